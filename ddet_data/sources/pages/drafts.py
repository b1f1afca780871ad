"""`ingest interview`: a raw page -> sources/interviews/<id>/ with a draft interview.yaml.

The draft holds what the parser found (names, job titles, organizations, the number
of questions, a date only if the page's own metadata gives one), each marked
"# check": a person confirms it against the page before the build uses it. Nothing is
written when a target file exists, unless `force` is given.

People and organizations the sources do not know yet are appended to
sources/people.yaml and sources/opsn/organizations.yaml: what the page states (the
name as written, the interview that names it) is filled in, and what a person must
decide is the value `TODO`, which the build refuses, listing every one left.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ...errors import DraftExists, SourceError
from ...text.fields import SLUG
from ...text.yamlio import load_yaml
from .interview import ParsedInterview, parse_interview
from .participants import FoundParticipant, core_name, names_in, slugify, split_acronym

TODO = "TODO"  # a value a person must decide; the build lists those left
ORGANIZATION_KINDS = "opsn, federation, consultancy, public_body, other"


@dataclass(frozen=True)
class Draft:
    folder: Path
    interview_id: str
    written: tuple[Path, ...]
    parsed: ParsedInterview
    warnings: tuple[str, ...] = ()  # the parser's, then what the draft could not settle
    new_people: tuple[FoundParticipant, ...] = ()
    new_organizations: tuple[FoundParticipant, ...] = ()

    def to_json(self) -> dict:
        return {
            **self.parsed.to_json(),
            "interview_id": self.interview_id,
            "warnings": list(self.warnings),
            "new_people": [p.person_id for p in self.new_people],
            "new_organizations": [p.organization_id for p in self.new_organizations],
        }


def known_people(path: Path) -> set[str]:
    """The person ids of sources/people.yaml (none when it is missing)."""
    entries = load_yaml(path) if path.is_file() else []
    return {
        entry["id"]
        for entry in entries or []
        if isinstance(entry, dict) and isinstance(entry.get("id"), str)
    }


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


def plan_draft(
    page: Path,
    sources: Path,
    interview_id: str | None = None,
    organizations: Mapping[str, Iterable[str]] | None = None,
) -> Draft:
    """What ingest would write, and what it could not settle; writes nothing."""
    parsed = parse_interview(page, organizations)
    interview_id = interview_id or guess_id(parsed, page)
    if not SLUG.match(interview_id):
        raise SourceError(
            f"interview id {interview_id!r} is not a slug (lower-case words joined by '-'): "
            "pass --id",
            page,
        )
    people = known_people(sources / "people.yaml")
    participants, new_people, new_organizations = [], {}, {}
    for found in parsed.participants:
        if found.organization and not found.organization_id:
            found = replace(found, organization_id=organization_slug(found.organization))
            new_organizations.setdefault(found.organization_id, found)
        if found.person_id not in people:
            new_people.setdefault(found.person_id, found)
        participants.append(found)
    parsed = replace(parsed, participants=tuple(participants))
    warnings = list(parsed.warnings) + draft_warnings(parsed, new_people, new_organizations)
    folder = sources / "interviews" / interview_id
    return Draft(
        folder,
        interview_id,
        (),
        parsed,
        tuple(warnings),
        tuple(new_people.values()),
        tuple(new_organizations.values()),
    )


def draft_warnings(parsed: ParsedInterview, new_people: dict, new_organizations: dict) -> list:
    """What a person must settle: never dropped silently."""
    warnings = []
    interviewees = sorted({p.name for p in parsed.participants if p.role == "interviewee"})
    if len(interviewees) > 1:
        warnings.append(
            f"{len(interviewees)} interviewees found ({', '.join(interviewees)}): check that "
            "each is interviewed, not only named"
        )
    if not interviewees:
        warnings.append("no interviewee found: list the participants by hand")
    if not any(p.role == "interviewer" for p in parsed.participants):
        warnings.append("no interviewer found: add them if the page names one")
    taking_part = {p.person_id for p in parsed.participants}
    for name in dict.fromkeys(m.group(0) for m in names_in(parsed.introduction or "")):
        if slugify(name) not in taking_part:
            warnings.append(
                f"{name} is named in the introduction but not as a participant: "
                "add them if they take part"
            )
    for p in parsed.participants:
        if not p.job_title:
            warnings.append(f"no job title found for {p.name}: copy it from the page")
        if not p.organization:
            warnings.append(f"no organization found for {p.name}: give one in interview.yaml")
    for person_id, p in new_people.items():
        warnings.append(f"{p.name} is not in sources/people.yaml: drafted as {person_id!r}")
    for organization_id, p in new_organizations.items():
        warnings.append(
            f"organization {p.organization!r} (of {p.name}) is not in "
            f"sources/opsn/organizations.yaml: drafted as {organization_id!r}, its kind is TODO"
        )
    roles: dict[str, set[str]] = {}
    for p in parsed.participants:
        roles.setdefault(p.name, set()).add(p.role)
    for name, held in roles.items():
        if len(held) > 1:
            warnings.append(f"{name} was found both as interviewer and as interviewee: keep one")
    for pair in parsed.pairs:
        joined = [line for line in pair.question.splitlines() if line.rstrip().endswith("?")]
        if len(joined) > 1:
            warnings.append(
                f"question {pair.position} joins {len(joined)} paragraphs ending with '?': "
                "an answer ending with '?' may have been read as a question, so the count "
                "may be low"
            )
        asked = [line for line in pair.answer.splitlines() if line.rstrip().endswith("?")]
        if asked:
            warnings.append(
                f"answer {pair.position} holds a line ending with '?' ({asked[0].strip()[:60]!r}): "
                "a question may have been read as part of an answer, so the count may be low"
            )
    if len(parsed.pairs) < 2:
        warnings.append(
            f"only {len(parsed.pairs)} question(s) found: check the page's questions "
            "(--json shows them) and question_count"
        )
    return warnings


def draft_interview(
    page: Path,
    interviews_dir: Path,
    interview_id: str | None = None,
    url: str | None = None,
    force: bool = False,
    organizations: Mapping[str, Iterable[str]] | None = None,
) -> Draft:
    """Copy `page` into interviews_dir/<id>/, write a draft interview.yaml beside it, and
    append the people and organizations the sources lack (with TODO where a person decides)."""
    sources = interviews_dir.parent
    draft = plan_draft(page, sources, interview_id, organizations)
    parsed, folder = draft.parsed, draft.folder
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
    yaml_target.write_text(
        draft_yaml(parsed, url or parsed.page.url, draft.warnings), encoding="utf-8"
    )
    if draft.new_people:
        targets.append(append_entries(sources / "people.yaml", people_entries(draft)))
    if draft.new_organizations:
        path = sources / "opsn" / "organizations.yaml"
        targets.append(append_entries(path, organization_entries(draft)))
    return replace(draft, written=tuple(targets))


def append_entries(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    before = path.read_text(encoding="utf-8") if path.is_file() else ""
    joiner = "" if not before or before.endswith("\n") else "\n"
    path.write_text(before + joiner + "\n" + text, encoding="utf-8")
    return path


def people_entries(draft: Draft) -> str:
    lines = [f"# Drafted by `ddet-data ingest interview` from {draft.interview_id}: check the"]
    lines.append("# spelling against the person's own pages.")
    for p in draft.new_people:
        lines += [f"- id: {p.person_id}", f"  name: {quoted(p.name)}"]
    return "\n".join(lines) + "\n"


def organization_entries(draft: Draft) -> str:
    lines = [
        f"# Drafted by `ddet-data ingest interview` from {draft.interview_id}: the name is as",
        "# the page writes it; decide the kind, then the build accepts the entry.",
    ]
    for p in draft.new_organizations:
        name, acronym = split_acronym(p.organization or "")
        lines += [
            f"- id: {p.organization_id}",
            f"  name: {quoted(acronym or name)}",
            *([f"  full_name: {quoted(name)}"] if acronym else []),
            f"  kind: {TODO}  # one of {ORGANIZATION_KINDS}",
            f"  interview: {draft.interview_id}",
        ]
    return "\n".join(lines) + "\n"


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


def draft_yaml(parsed: ParsedInterview, url: str | None, warnings: Iterable[str] = ()) -> str:
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
    for warning in warnings:
        lines.append(f"# warning: {warning}")
    return "\n".join(lines) + "\n"


def participant_lines(participants: tuple[FoundParticipant, ...]) -> list[str]:
    if not participants:
        return ["participants: []  # none found: list them (person, role, job_title, organization)"]
    lines = ["participants:  # check each one; people are listed in sources/people.yaml"]
    for p in participants:
        written = f'as written: "{p.organization}"' if p.organization else "none found"
        organization = p.organization_id
        note = "check" if organization else f"{TODO}: an id of sources/opsn/organizations.yaml"
        lines += [
            f"  - person: {p.person_id}  # {p.name}: add to sources/people.yaml if missing",
            f"    role: {p.role}  # check",
            f"    job_title: {quoted(p.job_title)}  # check",
            f"    organization: {organization or TODO}  # {note}; {written}",
        ]
    return lines
