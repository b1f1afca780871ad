"""Newsletter issues: sources/issues/<number>.yaml -> issues, items, their themes and territories.

One file per issue, named after its number:

    number: 12
    published_on: 2024-03-18
    title: Les données au service des territoires
    url: https://example.org/ddet/12
    items:
      - title: Une région ouvre ses données de transport
        url: https://example.org/actualite
        publisher: Banque des Territoires
        summary: La région publie ses horaires en open data.
        themes: [open-data]
        territories: ["60", {region: "32"}, {commune: "60057"}]

`url` (issue and item), `publisher`, `summary`, `themes` (ids of sources/themes.yaml)
and `territories` (INSEE codes) are optional. An item's position is its rank in the
list (an explicit `position` must agree). A plain territory code is a département
(2 or 3 characters) or a commune (5); a région is written {region: "32"} since région
and département codes overlap. Files may be named <number>.yaml or <number>.yml.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

from ..errors import DraftExists, SourceError
from ..text.codes import is_commune_code, is_departement_code, is_region_code
from ..text.fields import optional_text, optional_url, positive_int, required_text
from ..text.yamlio import check_keys, load_yaml, yaml_files
from .themes import editorial_theme_ids

ISSUE_KEYS = ("number", "published_on", "title")
ISSUE_OPTIONAL = ("url", "items")
ITEM_KEYS = ("title",)
ITEM_OPTIONAL = ("position", "url", "publisher", "summary", "themes", "territories")
TERRITORY_CHECKS = {
    "commune": is_commune_code,
    "departement": is_departement_code,
    "region": is_region_code,
}


class ThemeMatch(Protocol):
    theme_id: str
    expression: str


Detector = Callable[[str], Iterable[ThemeMatch]]


def load_issues(issues_dir: Path, theme_ids: set[str], detect: Detector) -> dict[str, list[dict]]:
    """Rows of issues, issue_items, item_themes and item_territories (empty when no issue)."""
    tables: dict[str, list[dict]] = {
        "issues": [],
        "issue_items": [],
        "item_themes": [],
        "item_territories": [],
    }
    if not issues_dir.is_dir():
        return tables
    seen: dict[str, Path] = {}
    for path in yaml_files(issues_dir):
        if path.stem in seen:
            raise SourceError(f"issue {path.stem} is also in {seen[path.stem].name}", path, 1)
        seen[path.stem] = path
        read_issue(path, theme_ids, detect, tables)
    return tables


def read_issue(path: Path, theme_ids: set[str], detect: Detector, tables: dict) -> None:
    issue = check_keys(load_yaml(path), path, ISSUE_KEYS, ISSUE_OPTIONAL, what="issue")
    number = positive_int(issue, "number", path)
    if path.stem != str(number):
        raise SourceError(
            f"file name does not match the issue number {number} (rename it {number}{path.suffix})",
            path,
            issue.line_of("number"),
        )
    tables["issues"].append(
        {
            "issue_number": number,
            "published_on": parse_date(issue["published_on"], path, issue.line_of("published_on")),
            "title": required_text(issue, "title", path),
            "url": optional_url(issue, "url", path),
        }
    )
    items = issue.get("items") or []
    if not isinstance(items, list):
        raise SourceError("items must be a list", path, issue.line_of("items"))
    for position, item in enumerate(items, start=1):
        read_item(path, number, position, item, theme_ids, detect, tables)


def read_item(
    path: Path,
    number: int,
    position: int,
    item: Any,
    theme_ids: set[str],
    detect: Detector,
    tables: dict,
) -> None:
    item = check_keys(item, path, ITEM_KEYS, ITEM_OPTIONAL, what="item")
    if "position" in item and item["position"] != position:
        raise SourceError(
            f"position {item['position']!r} does not match the item's rank {position} in the list",
            path,
            item.line_of("position"),
        )
    item_id = f"{number}-{position}"
    title = required_text(item, "title", path)
    summary = optional_text(item, "summary", path)
    tables["issue_items"].append(
        {
            "item_id": item_id,
            "issue_number": number,
            "position": position,
            "title": title,
            "url": optional_url(item, "url", path),
            "publisher": optional_text(item, "publisher", path),
            "summary": summary,
        }
    )
    tables["item_themes"] += item_themes(path, item, item_id, title, summary, theme_ids, detect)
    tables["item_territories"] += item_territories(path, item, item_id)


def item_themes(path, item, item_id, title, summary, theme_ids, detect) -> list[dict]:
    rows: dict[str, dict] = {}
    for theme_id in editorial_theme_ids(item, path, theme_ids):
        rows[theme_id] = {"theme_id": theme_id, "method": "editorial", "matched_expression": None}
    text = "\n".join(part for part in (title, summary) if part)
    for match in detect(text):
        if match.theme_id in rows:
            rows[match.theme_id]["matched_expression"] = (
                rows[match.theme_id]["matched_expression"] or match.expression
            )
        else:
            rows[match.theme_id] = {
                "theme_id": match.theme_id,
                "method": "detected",
                "matched_expression": match.expression,
            }
    return [{"item_id": item_id, **row} for row in rows.values()]


def item_territories(path: Path, item: Any, item_id: str) -> list[dict]:
    entries = item.get("territories") or []
    line = item.line_of("territories") if "territories" in item else item.line
    if not isinstance(entries, list):
        raise SourceError("territories must be a list of INSEE codes", path, line)
    rows = []
    seen: dict[tuple[str, str], int] = {}
    for entry, at in zip(entries, getattr(entries, "lines", [line] * len(entries)), strict=True):
        kind, code = territory(entry, path, at)
        if (kind, code) in seen:
            raise SourceError(
                f"territory {kind} {code!r} is listed twice in this item (first at line "
                f"{seen[kind, code]})",
                path,
                at,
            )
        seen[kind, code] = at
        rows.append({"item_id": item_id, "territory_kind": kind, "territory_code": code})
    return rows


def territory(entry: Any, path: Path, line: int) -> tuple[str, str]:
    if isinstance(entry, dict):
        if len(entry) != 1 or next(iter(entry)) not in TERRITORY_CHECKS:
            raise SourceError(
                f"a territory is a code or one of {{commune: ...}}, {{departement: ...}}, "
                f"{{region: ...}}; got {dict(entry)!r}",
                path,
                line,
            )
        kind, code = next(iter(entry.items()))
        code = str(code)
    else:
        code = str(entry)
        kind = "commune" if len(code) == 5 else "departement"
    if not TERRITORY_CHECKS[kind](code):
        # A code written as a number lost nothing (the reader keeps leading zeros as
        # text), but 6 for "06" is still a typo worth pointing at.
        hint = "" if isinstance(entry, str | dict) else ' (write INSEE codes in quotes, e.g. "06")'
        raise SourceError(f"{code!r} is not a valid INSEE {kind} code{hint}", path, line)
    return kind, code


def parse_date(value: Any, path: Path, line: int) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise SourceError(f"invalid date {value!r} (expected YYYY-MM-DD)", path, line) from exc


ISSUE_TEMPLATE = """\
# Issue {number} of the newsletter, written by `ddet-data new issue`.
# Fill in the title and the items, then run `ddet-data build`. Quote a value that
# contains ': ' or ' #' ("Fibre : la Bretagne"); write INSEE codes in quotes ("01053",
# "2A004", "06"); a région is {{region: "32"}}. Optional keys may be deleted.
number: {number}
published_on: {published_on}
title: "{title}"
# url: https://...            # the issue's web address, if it has one
items:
  - title: "Titre de l'article tel que publié"
    # url: https://...        # the article's address (with https://)
    # publisher: ...          # who published it
    # summary: ...            # the newsletter's summary, in French
    # themes: []              # ids of sources/themes.yaml
    # territories: []         # INSEE codes: ["35238", "06", {{region: "53"}}]
"""
TEMPLATE_TITLE = "Titre du numéro"


def new_issue(
    issues_dir: Path, number: int | None = None, published_on: dt.date | None = None
) -> Path:
    """Write sources/issues/<number>.yaml from the template: by default the number after
    the last issue, dated a week after it; an existing file is never replaced."""
    last = last_issue(issues_dir)
    if number is None:
        number = last[0] + 1 if last else 1
    if published_on is None:
        if last is None:
            raise SourceError(
                "no issue yet to date the next one from: pass --date YYYY-MM-DD", issues_dir
            )
        published_on = last[1] + dt.timedelta(days=7)
    existing = [issues_dir / f"{number}{suffix}" for suffix in (".yaml", ".yml")]
    for path in existing:
        if path.exists():
            raise DraftExists(f"{path} exists: edit it, or choose another --number")
    issues_dir.mkdir(parents=True, exist_ok=True)
    path = existing[0]
    text = ISSUE_TEMPLATE.format(number=number, published_on=published_on, title=TEMPLATE_TITLE)
    path.write_text(text, encoding="utf-8")
    return path


def last_issue(issues_dir: Path) -> tuple[int, dt.date] | None:
    """The highest issue number written, with its date (the files are read strictly)."""
    if not issues_dir.is_dir():
        return None
    found = []
    for path in yaml_files(issues_dir):
        issue = check_keys(load_yaml(path), path, ISSUE_KEYS, ISSUE_OPTIONAL, what="issue")
        number = positive_int(issue, "number", path)
        found.append(
            (number, parse_date(issue["published_on"], path, issue.line_of("published_on")))
        )
    return max(found) if found else None
