"""`ingest interview`: a raw page -> sources/interviews/<id>/ with a draft interview.yaml.

The draft holds what the parser found (names, job titles, organizations, the number
of questions, a date only if the page's own metadata gives one), each marked
"# check": a person confirms it against the page before the build uses it. Nothing is
written when a target file exists, unless `force` is given.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ...errors import DraftExists, SourceError
from ...text.yamlio import load_yaml
from .interview import ParsedInterview, parse_interview
from .participants import FoundParticipant, core_name, slugify, split_acronym

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Draft:
    folder: Path
    interview_id: str
    written: tuple[Path, ...]
    parsed: ParsedInterview


def known_organizations(path: Path) -> dict[str, list[str]]:
    """id -> names (name, full name, acronym) from sources/opsn/organizations.yaml.

    Only used to suggest ids in a draft, so a missing file gives no suggestion.
    """
    if not path.is_file():
        return {}
    entries = load_yaml(path) or []
    names = {}
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            written = (entry.get(k) for k in ("name", "full_name", "acronym"))
            names[entry["id"]] = [n for n in written if isinstance(n, str)]
    return names


def draft_interview(
    page: Path,
    interviews_dir: Path,
    interview_id: str | None = None,
    url: str | None = None,
    force: bool = False,
    organizations: Mapping[str, Iterable[str]] | None = None,
) -> Draft:
    """Copy `page` into interviews_dir/<id>/ and write a draft interview.yaml beside it."""
    parsed = parse_interview(page, organizations)
    interview_id = interview_id or guess_id(parsed, page)
    if not SLUG.match(interview_id):
        raise SourceError(
            f"interview id {interview_id!r} is not a slug (lower-case words joined by '-'): "
            "pass --id",
            page,
        )
    folder = interviews_dir / interview_id
    page_target = folder / ("page.html" if parsed.page.kind == "html" else "page.txt")
    yaml_target = folder / "interview.yaml"
    same_page = page_target.exists() and page_target.resolve() == page.resolve()
    targets = [yaml_target] if same_page else [page_target, yaml_target]
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        raise DraftExists(
            f"{existing[0]} exists: check it, or rerun with --force to replace "
            f"{'it' if len(existing) == 1 else 'them'}"
        )
    folder.mkdir(parents=True, exist_ok=True)
    if not same_page:
        page_target.write_bytes(page.read_bytes())
    yaml_target.write_text(draft_yaml(parsed, url or parsed.page.url), encoding="utf-8")
    return Draft(folder, interview_id, tuple(targets), parsed)


def guess_id(parsed: ParsedInterview, page: Path) -> str:
    """'<interviewee>-<their last organization>', as in emmanuel-vive-declic."""
    interviewees = [p for p in parsed.participants if p.role == "interviewee"]
    if interviewees:
        first = interviewees[0].person_id
        mine = [p for p in interviewees if p.person_id == first]
        organization = mine[-1].organization_id or organization_slug(mine[-1].organization)
        return "-".join(part for part in (first, organization) if part)
    stem = slugify(page.stem)
    if stem and stem != "page":
        return stem
    raise SourceError("no interviewee found to name the interview: pass --id", page)


def organization_slug(written: str | None) -> str:
    """An unknown organization's short name: its acronym when the page gives one."""
    name, acronym = split_acronym(written or "")
    return slugify(acronym or core_name(name))


def quoted(value: str | None) -> str:
    """A YAML scalar: JSON strings are valid YAML and keep every character."""
    return "null" if value is None else json.dumps(value, ensure_ascii=False)


def draft_yaml(parsed: ParsedInterview, url: str | None) -> str:
    page = parsed.page
    lines = [
        f"# Draft written by `ddet-data ingest interview` from {page.path.name}.",
        "# Check every value against the page, then remove the '# check' notes.",
        "# The questions and answers are not copied here: the build parses them from the page.",
        f"url: {quoted(url)}" + ("  # check" if url else "  # required: the page's web address"),
    ]
    if parsed.published_on:
        lines += [
            f"published_on: {quoted(parsed.published_on)}  # check: {parsed.published_evidence}",
            "published_on_note: null",
        ]
    else:
        lines += [
            "published_on: null  # the page gives no date: never guess one",
            'published_on_note: "Date de publication inconnue : la page ne porte pas de date."'
            "  # check",
        ]
    lines += [
        "issue_number: null  # the newsletter issue that carried it, if known",
        f"language: {parsed.language}  # check",
        f"title: {quoted(parsed.title)}" + ("  # check" if parsed.title else ""),
        f"question_count: {len(parsed.pairs)}  # check against the page",
    ]
    lines += participant_lines(parsed.participants)
    for warning in parsed.warnings:
        lines.append(f"# parser warning: {warning}")
    return "\n".join(lines) + "\n"


def participant_lines(participants: tuple[FoundParticipant, ...]) -> list[str]:
    if not participants:
        return ["participants: []  # none found: list them (person, role, job_title, organization)"]
    lines = ["participants:  # check each one; people are listed in sources/people.yaml"]
    for p in participants:
        written = f'as written: "{p.organization}"' if p.organization else "none found"
        organization = p.organization_id
        note = "check" if organization else "an id of sources/opsn/organizations.yaml"
        lines += [
            f"  - person: {p.person_id}  # {p.name}: add to sources/people.yaml if missing",
            f"    role: {p.role}  # check",
            f"    job_title: {quoted(p.job_title)}  # check",
            f"    organization: {organization or 'null'}  # {note}; {written}",
        ]
    return lines
