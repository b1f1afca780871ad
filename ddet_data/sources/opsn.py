"""OPSN sources: sources/opsn/*.yaml -> the five tables of the opsn package.

    sources.yaml        -> sources                 (the pages and documents facts cite)
    organizations.yaml  -> organizations           (OPSN, Déclic, Infhotep, ...)
    facts.yaml          -> facts, organization_territories
    memberships.yaml    -> memberships

Each file's header says its format. Reading is strict: an unknown key, a duplicate id,
an unknown reference, a bad date, SIREN or INSEE code, or a quote absent from the
document its source keeps under sources/ is a SourceError at the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import DateTextError, SourceError
from ..text.codes import is_departement_code, is_region_code, is_valid_siren
from ..text.dates import AsOf, given_date, parse_as_of, parse_partial_date
from ..text.normalize import normalize_quote
from ..text.yamlio import (
    check_keys,
    did_you_mean,
    load_yaml,
    optional_text,
    read_text,
    required_text,
)

TABLES = ("organizations", "organization_territories", "memberships", "facts", "sources")

# Controlled lists; tests check they match the enums of schemas/*.json.
SOURCE_KINDS = (
    "web_page",
    "press_article",
    "blog_post",
    "interview",
    "press_release",
    "brochure",
    "report",
    "presentation",
    "statutes",
    "meeting_record",
    "registry",
    "source_code",
    "wiki",
    "document",
)
ORGANIZATION_KINDS = ("opsn", "federation", "consultancy", "public_body", "other")
LEGAL_FORMS = (
    "syndicat_mixte_ouvert",
    "syndicat_mixte_ferme",
    "syndicat_mixte",
    "syndicat_intercommunal",
    "etablissement_public_administratif",
    "centre_de_gestion",
    "groupement_interet_public",
    "association",
)
SCALES = ("departmental", "interdepartmental", "regional", "national")
SUBJECT_KINDS = ("study", "concept", "newsletter")  # and "organization", for organizations
PROPERTIES = (
    "address",
    "authors",
    "award",
    "cofounder",
    "competence",
    "coverage",
    "creator",
    "definition",
    "department",
    "former_name",
    "founded",
    "full_name",
    "history",
    "hundredth_edition",
    "legal_form",
    "legal_forms",
    "member_composition",
    "member_count",
    "member_legal_forms",
    "missions",
    "observatory",
    "open_data",
    "opsn_services",
    "opsn_size",
    "partnership",
    "president",
    "publication_date",
    "respondents",
    "seat",
    "tagline",
    "working_deck",
)
AS_OF_FIELDS = ("as_of_text", "as_of", "as_of_end", "as_of_precision", "as_of_approximate")
QUALIFIERS = ("exact", "about", "more_than", "average")
TERRITORY_CHECKS = {"departement": is_departement_code, "region": is_region_code}
TERRITORY_ROLES = ("seat", "coverage")

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FACT_ID = re.compile(r"^F[0-9]{3}$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")

SOURCE_KEYS = ("id", "url", "kind")
SOURCE_OPTIONAL = ("title", "publisher", "published_on", "document", "note")
ORGANIZATION_KEYS = ("id", "name", "kind", "based_on")
ORGANIZATION_OPTIONAL = (
    "full_name",
    "acronym",
    "legal_form",
    "scale",
    "website",
    "siren",
    "founded_year",
    "note",
)
SUBJECT_KEYS = ("id", "kind", "name")
FACT_KEYS = ("fact_id", "subject", "property", "value", "source")
FACT_OPTIONAL = (
    "number",
    "unit",
    "qualifier",
    "legal_form",
    "as_of",
    "as_of_date",
    "quote",
    "note",
    "territories",
)
MEMBERSHIP_KEYS = ("member", "member_of", "fact")
MEMBERSHIP_OPTIONAL = ("role", "note")


def load_opsn(opsn_dir: Path, sources_root: Path) -> dict[str, list[dict]]:
    """Rows of the five opsn tables; empty tables when there is no sources/opsn/ folder."""
    if not opsn_dir.is_dir():
        return {table: [] for table in TABLES}
    sources = read_sources(opsn_dir / "sources.yaml", sources_root)
    organizations, based_on = read_organizations(opsn_dir / "organizations.yaml")
    facts, territories = read_facts(opsn_dir / "facts.yaml", organizations, sources, sources_root)
    check_based_on(opsn_dir / "organizations.yaml", based_on, facts)
    memberships = read_memberships(opsn_dir / "memberships.yaml", organizations, facts)
    check_sources_cited(opsn_dir / "sources.yaml", sources, facts)
    return {
        "organizations": list(organizations.values()),
        "organization_territories": territories,
        "memberships": memberships,
        "facts": list(facts.values()),
        "sources": [row for row, _ in sources.values()],
    }


# --- sources.yaml -----------------------------------------------------------------------


def read_sources(path: Path, sources_root: Path) -> dict[str, tuple[dict, int]]:
    """source_id -> (row, line of its entry)."""
    sources: dict[str, tuple[dict, int]] = {}
    urls: dict[str, int] = {}
    for entry in read_list(path, "sources"):
        entry = check_keys(entry, path, SOURCE_KEYS, SOURCE_OPTIONAL, what="source")
        source_id = new_id(entry, "id", SLUG, {k: v[1] for k, v in sources.items()}, path)
        url = url_text(entry, "url", path)
        if url in urls:
            raise SourceError(
                f"duplicate url {url!r} (already source at line {urls[url]}): cite that source",
                path,
                entry.line_of("url"),
            )
        urls[url] = entry.line
        published_on, precision = None, "unknown"
        if entry.get("published_on") is not None:
            published_on, precision = partial_date(entry, "published_on", path)
        document = optional_text(entry, "document", path)
        if document is not None:
            document_path(document, sources_root, path, entry.line_of("document"))
        row = {
            "source_id": source_id,
            "url": url,
            "title": optional_text(entry, "title", path),
            "publisher": optional_text(entry, "publisher", path),
            "published_on": published_on,
            "published_on_precision": precision,
            "kind": choice(entry, "kind", SOURCE_KINDS, path),
            "document": document,
            "note": optional_text(entry, "note", path),
        }
        sources[source_id] = (row, entry.line)
    return sources


def document_path(document: str, sources_root: Path, path: Path, line: int) -> Path:
    """A document is a path under sources/; it must exist, since quotes are checked in it."""
    relative = Path(document)
    if relative.is_absolute() or ".." in relative.parts:
        raise SourceError(
            f"document {document!r} must be a path inside sources/ (e.g. "
            "interviews/<slug>/page.txt)",
            path,
            line,
        )
    full = sources_root / relative
    if not full.is_file():
        raise SourceError(
            f"document {document!r} is not a file under {sources_root}; fix the path or add "
            "the document",
            path,
            line,
        )
    return full


def check_sources_cited(path: Path, sources: dict, facts: dict[str, dict]) -> None:
    cited = {row["source_id"] for row in facts.values()}
    for source_id, (_, line) in sources.items():
        if source_id not in cited:
            raise SourceError(
                f"source {source_id!r} is cited by no fact in facts.yaml; cite it or remove it",
                path,
                line,
            )


# --- organizations.yaml -----------------------------------------------------------------


def read_organizations(path: Path) -> tuple[dict[str, dict], list[tuple[str, str, int]]]:
    """organization_id -> row, and the (organization, fact id, line) each row is based on."""
    organizations: dict[str, dict] = {}
    lines: dict[str, int] = {}
    based_on: list[tuple[str, str, int]] = []
    for entry in read_list(path, "organizations"):
        entry = check_keys(entry, path, ORGANIZATION_KEYS, ORGANIZATION_OPTIONAL, "organization")
        organization_id = new_id(entry, "id", SLUG, lines, path)
        fact_ids = fact_id_list(entry, "based_on", path)
        based_on += [(organization_id, fact_id, entry.line_of("based_on")) for fact_id in fact_ids]
        organizations[organization_id] = {
            "organization_id": organization_id,
            "name": required_text(entry, "name", path),
            "full_name": optional_text(entry, "full_name", path),
            "acronym": optional_text(entry, "acronym", path),
            "kind": choice(entry, "kind", ORGANIZATION_KINDS, path),
            "legal_form": optional_choice(entry, "legal_form", LEGAL_FORMS, path),
            "scale": optional_choice(entry, "scale", SCALES, path),
            "website": url_text(entry, "website", path) if entry.get("website") else None,
            "siren": siren(entry, path),
            "founded_year": founded_year(entry, path),
            "fact_ids": " ".join(fact_ids),
            "note": optional_text(entry, "note", path),
        }
    return organizations, based_on


def fact_id_list(entry: Any, key: str, path: Path) -> list[str]:
    values = entry.get(key)
    if not isinstance(values, list) or not values:
        raise SourceError(
            f"{key} must be a non-empty list of fact ids, e.g. [F001, F002]",
            path,
            entry.line_of(key),
        )
    for value in values:
        if not isinstance(value, str) or not FACT_ID.match(value):
            raise SourceError(
                f"{value!r} in {key} is not a fact id (F followed by 3 digits)",
                path,
                entry.line_of(key),
            )
    if len(set(values)) != len(values):
        raise SourceError(f"{key} lists a fact twice", path, entry.line_of(key))
    return values


def check_based_on(path: Path, based_on: list[tuple[str, str, int]], facts: dict) -> None:
    for organization_id, fact_id, line in based_on:
        if fact_id not in facts:
            raise SourceError(
                f"organization {organization_id!r} is based on unknown fact {fact_id!r}"
                f"{did_you_mean(fact_id, facts)}; facts are in facts.yaml",
                path,
                line,
            )


def siren(entry: Any, path: Path) -> str | None:
    value = entry.get("siren")
    if value is None:
        return None
    line = entry.line_of("siren")
    if not isinstance(value, str):
        raise SourceError(f'write the SIREN as quoted text: siren: "{value}"', path, line)
    if not is_valid_siren(value):
        raise SourceError(
            f"SIREN {value!r} is not 9 digits with a valid Luhn checksum; check it at its "
            "source (annuaire-entreprises.data.gouv.fr)",
            path,
            line,
        )
    return value


def founded_year(entry: Any, path: Path) -> int | None:
    value = entry.get("founded_year")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1000 <= value <= 2999:
        raise SourceError(
            f"founded_year must be a year such as 1990, got {value!r}",
            path,
            entry.line_of("founded_year"),
        )
    return value


# --- facts.yaml -------------------------------------------------------------------------


def read_facts(
    path: Path, organizations: dict[str, dict], sources: dict, sources_root: Path
) -> tuple[dict[str, dict], list[dict]]:
    """fact_id -> row, and the organization_territories rows the facts state."""
    document = check_keys(load_yaml(path), path, ("subjects", "facts"), what="facts file")
    subjects = read_subjects(path, document, organizations)
    facts: dict[str, dict] = {}
    lines: dict[str, int] = {}
    territories: list[tuple[dict, int]] = []
    documents: dict[str, str] = {}
    entries = document["facts"]
    if not isinstance(entries, list):
        raise SourceError("facts must be a list of facts", path, document.line_of("facts"))
    for entry in entries:
        entry = check_keys(entry, path, FACT_KEYS, FACT_OPTIONAL, what="fact")
        fact_id = new_id(entry, "fact_id", FACT_ID, lines, path)
        subject_id, subject_kind, subject_name = subject(entry, path, organizations, subjects)
        property_ = choice(entry, "property", PROPERTIES, path)
        source_id = reference(entry, "source", {k: v[0] for k, v in sources.items()}, path)
        source_row = sources[source_id][0]
        quote = optional_text(entry, "quote", path)
        if source_row["document"] is not None:
            text = documents.get(source_row["document"])
            if text is None:
                text = read_text(sources_root / source_row["document"])
                documents[source_row["document"]] = text
            check_quote(entry, quote, source_row["document"], text, path)
        number, unit, qualifier = measure(entry, path)
        as_of = fact_as_of(entry, path)
        facts[fact_id] = {
            "fact_id": fact_id,
            "subject_id": subject_id,
            "subject_kind": subject_kind,
            "subject_name": subject_name,
            "organization_id": subject_id if subject_kind == "organization" else None,
            "property": property_,
            "value_text": required_text(entry, "value", path),
            "value_number": number,
            "value_unit": unit,
            "value_qualifier": qualifier,
            "legal_form": fact_legal_form(entry, property_, path),
            **as_of_columns(as_of),
            "source_id": source_id,
            "quote": quote,
            "note": optional_text(entry, "note", path),
        }
        territories += fact_territories(entry, fact_id, subject_id, subject_kind, source_id, path)
    check_unique_territories(path, territories)
    return facts, [row for row, _ in territories]


def read_subjects(path: Path, document: Any, organizations: dict) -> dict[str, dict]:
    """Subjects of facts that are not organizations: studies, concepts, the newsletter."""
    entries = document["subjects"]
    if not isinstance(entries, list):
        raise SourceError(
            "subjects must be a list of {id, kind, name}", path, document.line_of("subjects")
        )
    subjects: dict[str, dict] = {}
    lines: dict[str, int] = {}
    for entry in entries:
        entry = check_keys(entry, path, SUBJECT_KEYS, what="subject")
        subject_id = new_id(entry, "id", SLUG, lines, path)
        if subject_id in organizations:
            raise SourceError(
                f"subject {subject_id!r} is already an organization id; facts about an "
                "organization name it directly",
                path,
                entry.line_of("id"),
            )
        subjects[subject_id] = {
            "kind": choice(entry, "kind", SUBJECT_KINDS, path),
            "name": required_text(entry, "name", path),
        }
    return subjects


def subject(entry: Any, path: Path, organizations: dict, subjects: dict) -> tuple[str, str, str]:
    value = entry["subject"]
    if value in organizations:
        return value, "organization", organizations[value]["name"]
    if value in subjects:
        return value, subjects[value]["kind"], subjects[value]["name"]
    known = list(organizations) + list(subjects)
    raise SourceError(
        f"unknown subject {value!r}{did_you_mean(str(value), known)}: subjects are organizations "
        "(organizations.yaml) or the `subjects` listed at the top of facts.yaml",
        path,
        entry.line_of("subject"),
    )


def check_quote(entry: Any, quote: str | None, document: str, text: str, path: Path) -> None:
    if quote is None:
        raise SourceError(
            f"fact {entry['fact_id']} cites a source held in sources/{document}: give a short "
            "verbatim `quote` from it",
            path,
            entry.line,
        )
    if normalize_quote(quote) not in normalize_quote(text):
        raise SourceError(
            f"fact {entry['fact_id']}: the quote does not appear in sources/{document}; copy "
            "it verbatim from the document",
            path,
            entry.line_of("quote"),
        )


def measure(entry: Any, path: Path) -> tuple[int | float | None, str | None, str | None]:
    """The value's number with its unit and qualifier: all three, or none."""
    present = [key for key in ("number", "unit", "qualifier") if entry.get(key) is not None]
    if not present:
        return None, None, None
    if len(present) < 3:
        missing = [key for key in ("number", "unit", "qualifier") if key not in present]
        raise SourceError(
            f"a number comes with its unit and qualifier: add {', '.join(missing)}",
            path,
            entry.line_of(present[0]),
        )
    number = entry["number"]
    if isinstance(number, bool) or not isinstance(number, int | float):
        raise SourceError(
            f"number must be a number (write words in value), got {number!r}",
            path,
            entry.line_of("number"),
        )
    return number, required_text(entry, "unit", path), choice(entry, "qualifier", QUALIFIERS, path)


def fact_legal_form(entry: Any, property_: str, path: Path) -> str | None:
    if entry.get("legal_form") is None:
        return None
    if property_ != "legal_form":
        raise SourceError(
            f"legal_form is for facts whose property is legal_form, not {property_}",
            path,
            entry.line_of("legal_form"),
        )
    return choice(entry, "legal_form", LEGAL_FORMS, path)


def fact_as_of(entry: Any, path: Path) -> AsOf:
    text = entry.get("as_of")
    if text is None:
        if "as_of_date" in entry:
            raise SourceError(
                "as_of_date dates an as_of text: there is no as_of",
                path,
                entry.line_of("as_of_date"),
            )
        return AsOf(None, None, None, "unknown", False)
    if not isinstance(text, str) or not text.strip():
        raise SourceError(
            f'write as_of as text, e.g. as_of: "2020", got {text!r}', path, entry.line_of("as_of")
        )
    try:
        parsed = parse_as_of(text)
    except DateTextError as exc:
        if "as_of_date" not in entry:
            raise SourceError(
                f"{exc}; or add as_of_date: YYYY[-MM[-DD]] (null when it gives no date)",
                path,
                entry.line_of("as_of"),
            ) from exc
        given = entry["as_of_date"]
        if given is not None and not isinstance(given, str):
            given = str(given)
        try:
            return given_date(text, given)
        except DateTextError as error:
            raise SourceError(str(error), path, entry.line_of("as_of_date")) from error
    if "as_of_date" in entry:
        raise SourceError(
            f"as_of {text!r} is already a date: remove as_of_date",
            path,
            entry.line_of("as_of_date"),
        )
    return parsed


def as_of_columns(as_of: AsOf) -> dict:
    return {
        "as_of_text": as_of.text,
        "as_of": as_of.date,
        "as_of_end": as_of.end,
        "as_of_precision": as_of.precision,
        "as_of_approximate": as_of.approximate,
    }


def fact_territories(entry, fact_id, subject_id, subject_kind, source_id, path) -> list:
    """(row, line) for each territory the fact names."""
    entries = entry.get("territories")
    if entries is None:
        return []
    line = entry.line_of("territories")
    if subject_kind != "organization":
        raise SourceError("territories are for facts about an organization", path, line)
    if not isinstance(entries, list) or not entries:
        raise SourceError(
            'territories must be a list such as [{departement: "60", role: seat}]', path, line
        )
    rows = []
    for item in entries:
        item_line = getattr(item, "line", line)
        kinds = [key for key in TERRITORY_CHECKS if isinstance(item, dict) and key in item]
        optional = [key for key in TERRITORY_CHECKS if key not in kinds[:1]]
        item = check_keys(item, path, [*kinds[:1], "role"], optional, what="territory")
        if len(kinds) != 1:
            raise SourceError(
                "a territory has exactly one of departement or region, e.g. "
                '{departement: "60", role: seat}',
                path,
                item_line,
            )
        kind = kinds[0]
        code = item[kind]
        if not isinstance(code, str):
            raise SourceError(
                f'write INSEE codes as quoted text ({kind}: "{code}"): 06 unquoted is a number',
                path,
                item_line,
            )
        if not TERRITORY_CHECKS[kind](code):
            raise SourceError(f"{code!r} is not a valid INSEE {kind} code", path, item_line)
        row = {
            "organization_id": subject_id,
            "territory_kind": kind,
            "territory_code": code,
            "role": choice(item, "role", TERRITORY_ROLES, path),
            "fact_id": fact_id,
            "source_id": source_id,
        }
        rows.append((row, item_line))
    return rows


def check_unique_territories(path: Path, territories: list[tuple[dict, int]]) -> None:
    seen: set[tuple] = set()
    for row, line in territories:
        key = (row["fact_id"], row["territory_kind"], row["territory_code"], row["role"])
        if key in seen:
            raise SourceError(
                f"territory {row['territory_code']} listed twice for fact {row['fact_id']}",
                path,
                line,
            )
        seen.add(key)


# --- memberships.yaml -------------------------------------------------------------------


def read_memberships(path: Path, organizations: dict, facts: dict[str, dict]) -> list[dict]:
    rows = []
    seen: dict[tuple, int] = {}
    for entry in read_list(path, "memberships"):
        entry = check_keys(entry, path, MEMBERSHIP_KEYS, MEMBERSHIP_OPTIONAL, what="membership")
        member = reference(entry, "member", organizations, path)
        member_of = reference(entry, "member_of", organizations, path)
        fact_id = reference(entry, "fact", facts, path)
        if member == member_of:
            raise SourceError(
                f"{member!r} cannot be a member of itself", path, entry.line_of("member_of")
            )
        key = (member, member_of, fact_id)
        if key in seen:
            raise SourceError(
                f"duplicate membership of {member!r} in {member_of!r} from {fact_id} (first at "
                f"line {seen[key]})",
                path,
                entry.line,
            )
        seen[key] = entry.line
        fact = facts[fact_id]
        rows.append(
            {
                "member_id": member,
                "member_of_id": member_of,
                "role": optional_text(entry, "role", path),
                "fact_id": fact_id,
                "source_id": fact["source_id"],
                **{key: fact[key] for key in AS_OF_FIELDS},
                "note": optional_text(entry, "note", path),
            }
        )
    return rows


# --- shared readers ---------------------------------------------------------------------


def read_list(path: Path, what: str) -> list:
    if not path.is_file():
        raise SourceError(f"missing {path.name}: sources/opsn/ needs it ({what})", path)
    entries = load_yaml(path)
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise SourceError(f"{path.name} must be a list of {what}", path, 1)
    return entries


def new_id(entry: Any, key: str, pattern: re.Pattern, seen: dict[str, int], path: Path) -> str:
    """A fresh id: of the right form and not used before in the file (records its line)."""
    value = entry.get(key)
    line = entry.line_of(key)
    if not isinstance(value, str) or not pattern.match(value):
        form = "F followed by 3 digits" if pattern is FACT_ID else "lowercase words joined by '-'"
        raise SourceError(f"{key} {value!r} is not a valid id ({form})", path, line)
    if value in seen:
        raise SourceError(
            f"duplicate {key} {value!r} (first at line {seen[value]}); ids must be unique",
            path,
            line,
        )
    seen[value] = line
    return value


def reference(entry: Any, key: str, known: dict, path: Path) -> str:
    value = entry.get(key)
    if value not in known:
        what = {"source": "source", "fact": "fact"}.get(key, "organization")
        raise SourceError(
            f"unknown {what} {value!r}{did_you_mean(str(value), known)}",
            path,
            entry.line_of(key),
        )
    return value


def choice(entry: Any, key: str, allowed: tuple[str, ...], path: Path) -> str:
    value = entry.get(key)
    if value not in allowed:
        raise SourceError(
            f"{key} {value!r} is not one of {', '.join(allowed)}"
            f"{did_you_mean(str(value), allowed)}",
            path,
            entry.line_of(key),
        )
    return value


def optional_choice(entry: Any, key: str, allowed: tuple[str, ...], path: Path) -> str | None:
    return None if entry.get(key) is None else choice(entry, key, allowed, path)


def partial_date(entry: Any, key: str, path: Path) -> tuple[str, str]:
    value = entry[key]
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str):
        raise SourceError(f"invalid date {value!r}", path, entry.line_of(key))
    try:
        return parse_partial_date(text)
    except DateTextError as exc:
        raise SourceError(str(exc), path, entry.line_of(key)) from exc


def url_text(entry: Any, key: str, path: Path) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not URL.match(value):
        raise SourceError(f"{key} {value!r} is not an http(s) address", path, entry.line_of(key))
    return value
