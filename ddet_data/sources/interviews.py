"""Interviews: sources/interviews/<interview_id>/ -> the interview tables; sources/people.yaml.

A folder holds the raw page as published (`page.txt`, or `page.html` for a saved web
page) and `interview.yaml`, what a person confirmed about it:

    url: https://example.org/interview-de-jeanne-martin      # required
    published_on: null          # YYYY-MM-DD, or null when the page gives no date
    published_on_note: La page ne porte pas de date.          # optional, French
    issue_number: null          # the newsletter issue that carried it, if known
    language: fr                # fr | en
    title: null                 # the page's title as published, if it has one
    question_count: 3           # optional: the build fails if the page gives another count
    participants:               # one entry per person and organization, at the time
      - person: jeanne-martin   # an id of sources/people.yaml
        role: interviewee       # interviewer | interviewee
        job_title: directrice générale
        organization: adico     # an id of sources/opsn/organizations.yaml
    themes: [mutualisation]     # optional: themes a person adds to those detected

The questions and answers are never copied here: they are parsed from the page at
every build, so each row points back into the page by its offsets.

sources/people.yaml lists the people named, only public people in their public roles:

    - id: jeanne-martin
      name: Jeanne Martin
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError
from ..text.fields import (
    SLUG,
    choice,
    optional_text,
    required_text,
    required_url,
    slug,
)
from ..text.normalize import same_typography
from ..text.yamlio import check_keys, did_you_mean, load_yaml
from .pages.interview import ParsedInterview, parse_interview
from .pages.paragraphs import HTML_SUFFIXES
from .themes import Theme, detect_themes, editorial_theme_ids

INTERVIEW_KEYS = ("url", "published_on", "language", "participants")
INTERVIEW_OPTIONAL = (
    "published_on_note",
    "issue_number",
    "title",
    "question_count",
    "themes",
)
PARTICIPANT_KEYS = ("person", "role", "organization")
PARTICIPANT_OPTIONAL = ("job_title",)
PERSON_KEYS = ("id", "name")
ROLES = ("interviewer", "interviewee")
LANGUAGES = ("fr", "en")
PAGE_NAMES = ("page.txt", *(f"page{suffix}" for suffix in HTML_SUFFIXES))
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TABLES = (
    "interviews",
    "interview_participants",
    "interview_answers",
    "interview_themes",
    "interview_texts",
)

__all__ = ["ParsedInterview", "Person", "load_interviews", "load_people", "parse_interview"]


@dataclass(frozen=True)
class Person:
    person_id: str
    name: str
    line: int = 0


def load_people(path: Path) -> dict[str, Person]:
    """sources/people.yaml: id -> Person; a bad or duplicate entry is a SourceError."""
    if not path.is_file():
        return {}
    entries = load_yaml(path) or []
    if not isinstance(entries, list):
        raise SourceError("expected a list of people (- id: ..., name: ...)", path, 1)
    people: dict[str, Person] = {}
    for entry in entries:
        check_keys(entry, path, PERSON_KEYS, what="person")
        person_id = slug(entry, "id", path, "person id")
        if person_id in people:
            raise SourceError(
                f"duplicate person id {person_id!r} (first at line {people[person_id].line})",
                path,
                entry.line_of("id"),
            )
        name = required_text(entry, "name", path)
        people[person_id] = Person(person_id, name.strip(), entry.line)
    return people


def people_rows(people: dict[str, Person]) -> list[dict]:
    """Rows of the `people` table."""
    return [{"person_id": p.person_id, "name": p.name} for p in people.values()]


def load_interviews(
    interviews_dir: Path,
    people: dict[str, Person],
    themes: dict[str, Theme],
    organization_ids: set[str],
    issue_numbers: set[int] | None = None,
    declared_by: dict[str, str] | None = None,
) -> dict[str, list[dict]]:
    """Rows of the four interview tables, one folder per interview, pages parsed afresh.

    `issue_numbers`, when given, checks each interview's issue_number at its line.
    `declared_by` maps an organization known only from an interview to that interview:
    there, each participant's job title for it must appear in the page.
    """
    tables: dict[str, list[dict]] = {table: [] for table in TABLES}
    if not interviews_dir.is_dir():
        return tables
    for folder in sorted(p for p in interviews_dir.iterdir() if p.is_dir()):
        if folder.name.startswith("."):
            continue
        rows = read_interview(
            folder, people, themes, organization_ids, issue_numbers, declared_by or {}
        )
        for table in TABLES:
            tables[table] += rows[table]
    return tables


def page_of(folder: Path) -> Path:
    pages = [folder / name for name in PAGE_NAMES if (folder / name).is_file()]
    if not pages:
        raise SourceError(
            "no page.txt or page.html: save the interview page as published here "
            "(ddet-data ingest interview PAGE does it)",
            folder,
        )
    if len(pages) > 1:
        names = ", ".join(p.name for p in pages)
        raise SourceError(f"several pages ({names}): keep the one the rows come from", folder)
    return pages[0]


def read_interview(folder, people, themes, organization_ids, issue_numbers, declared_by) -> dict:
    interview_id = folder.name
    if not SLUG.match(interview_id):
        raise SourceError(
            f"interview folder name {interview_id!r} is not a slug "
            "(lower-case words joined by '-')",
            folder,
        )
    path = folder / "interview.yaml"
    if not path.is_file():
        raise SourceError(
            "missing interview.yaml (ddet-data ingest interview PAGE drafts it)", folder
        )
    entry = check_keys(load_yaml(path), path, INTERVIEW_KEYS, INTERVIEW_OPTIONAL, "interview")
    page_path = page_of(folder)
    parsed = parse_interview(page_path)
    count = entry.get("question_count")
    if count is not None and count != len(parsed.pairs):
        raise SourceError(
            f"question_count is {count} but the page now gives {len(parsed.pairs)} questions: "
            "check the page (ddet-data ingest interview PAGE --json) and fix one of them",
            path,
            entry.line_of("question_count"),
        )
    interview = {
        "interview_id": interview_id,
        "title": optional_text(entry, "title", path),
        "url": required_url(entry, "url", path),
        "published_on": read_date(entry, path),
        "published_on_note": optional_text(entry, "published_on_note", path),
        "issue_number": read_issue(entry, path, issue_numbers),
        "language": choice(entry, "language", LANGUAGES, path),
        "introduction": parsed.introduction or None,
        "question_count": len(parsed.pairs),
        "source_path": f"{folder.parent.parent.name}/{folder.parent.name}/{folder.name}/"
        f"{page_path.name}",
        "source_sha256": hashlib.sha256(page_path.read_bytes()).hexdigest(),
    }
    check_declared(interview_id, entry, path, parsed, declared_by)
    return {
        "interviews": [interview],
        "interview_participants": participant_rows(
            interview_id, entry, path, people, organization_ids
        ),
        "interview_answers": answer_rows(interview_id, parsed),
        "interview_themes": theme_rows_of(interview_id, entry, path, parsed, themes),
        # The text the answers' offsets count in, so that anyone can check them.
        "interview_texts": [{"interview_id": interview_id, "text": parsed.page.text}],
    }


def participant_rows(interview_id, entry, path, people, organization_ids) -> list[dict]:
    participants = entry["participants"]
    if not isinstance(participants, list) or not participants:
        raise SourceError(
            "participants must be a non-empty list", path, entry.line_of("participants")
        )
    rows, roles, seen = [], {}, set()
    for participant in participants:
        check_keys(participant, path, PARTICIPANT_KEYS, PARTICIPANT_OPTIONAL, "participant")
        person = reference(participant, "person", people, path, "person", "sources/people.yaml")
        organization = reference(
            participant,
            "organization",
            organization_ids,
            path,
            "organization",
            "sources/opsn/organizations.yaml",
        )
        role = choice(participant, "role", ROLES, path)
        if roles.setdefault(person, role) != role:
            raise SourceError(
                f"{person!r} cannot be both {roles[person]} and {role} in one interview",
                path,
                participant.line_of("role"),
            )
        if (person, organization) in seen:
            raise SourceError(
                f"duplicate participant {person!r} for organization {organization!r}",
                path,
                participant.line,
            )
        seen.add((person, organization))
        rows.append(
            {
                "interview_id": interview_id,
                "person_id": person,
                "organization_id": organization,
                "role": role,
                "job_title": optional_text(participant, "job_title", path),
            }
        )
    if "interviewee" not in roles.values():
        raise SourceError(
            "no participant has role 'interviewee'", path, entry.line_of("participants")
        )
    return rows


def check_declared(interview_id, entry, path, parsed: ParsedInterview, declared_by) -> None:
    """Job titles held at an organization this interview declares must appear in its page."""
    text = same_typography(parsed.page.text).casefold()
    for participant in entry["participants"]:
        if declared_by.get(participant["organization"]) != interview_id:
            continue
        job_title = participant.get("job_title")
        line = participant.line_of("job_title")
        if not isinstance(job_title, str) or not job_title.strip():
            raise SourceError(
                f"organization {participant['organization']!r} is declared by this interview: "
                "give the job_title as the page writes it",
                path,
                participant.line,
            )
        if same_typography(job_title).casefold() not in text:
            raise SourceError(
                f"job title {job_title!r} does not appear in the page; organization "
                f"{participant['organization']!r} is declared by this interview, so copy the "
                "job title from the page",
                path,
                line,
            )


def answer_rows(interview_id: str, parsed: ParsedInterview) -> list[dict]:
    return [
        {
            "interview_id": interview_id,
            "position": pair.position,
            "question": pair.question,
            "answer": pair.answer,
            "question_start": pair.question_start,
            "question_end": pair.question_end,
            "answer_start": pair.answer_start,
            "answer_end": pair.answer_end,
        }
        for pair in parsed.pairs
    ]


def theme_rows_of(interview_id, entry, path, parsed: ParsedInterview, themes) -> list[dict]:
    """Detected themes (first question/answer pair naming each), then a person's additions."""
    rows: dict[str, dict] = {}
    for pair in parsed.pairs:
        for match in detect_themes(f"{pair.question}\n{pair.answer}", themes):
            rows.setdefault(
                match.theme_id,
                {
                    "interview_id": interview_id,
                    "theme_id": match.theme_id,
                    "method": "detected",
                    "matched_expression": match.expression,
                    "position": pair.position,
                },
            )
    for theme_id in editorial_theme_ids(entry, path, themes):
        rows.setdefault(
            theme_id,
            {
                "interview_id": interview_id,
                "theme_id": theme_id,
                "method": "editorial",
                "matched_expression": None,
                "position": None,
            },
        )
    return list(rows.values())


def reference(mapping, key: str, known: Iterable[str], path: Path, what: str, where: str) -> str:
    value = mapping[key]
    if not isinstance(value, str) or value not in known:
        raise SourceError(
            f"unknown {what} {value!r}{did_you_mean(str(value), known)}; "
            f"{'people' if what == 'person' else what + 's'} are defined in {where}",
            path,
            mapping.line_of(key),
        )
    return value


def read_date(mapping, path: Path) -> dt.date | None:
    value = mapping["published_on"]
    if value is None:
        return None
    text = str(value)
    try:
        if not ISO_DATE.match(text):
            raise ValueError("expected YYYY-MM-DD")
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise SourceError(
            f"invalid date {text!r} for published_on ({exc}): write YYYY-MM-DD, or null "
            "with a published_on_note when the page gives no exact date",
            path,
            mapping.line_of("published_on"),
        ) from exc


def read_issue(mapping, path: Path, issue_numbers: set[int] | None) -> int | None:
    value = mapping.get("issue_number")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SourceError(
            f"issue_number must be a positive whole number or null, not {value!r}",
            path,
            mapping.line_of("issue_number"),
        )
    if issue_numbers is not None and value not in issue_numbers:
        raise SourceError(
            f"unknown issue_number {value}: no sources/issues/ file has this number",
            path,
            mapping.line_of("issue_number"),
        )
    return value
