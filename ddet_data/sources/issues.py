"""Newsletter issues: sources/issues/<number>.yaml -> issues, items, their themes and territories.

One file per issue, named after its number:

    number: 12
    published_on: 2024-03-18
    title: Les données au service des territoires
    url: https://example.org/ddet/12          # optional
    items:
      - title: Une région ouvre ses données de transport
        url: https://example.org/actualite     # optional
        publisher: Banque des Territoires      # optional
        summary: La région publie ses horaires en open data.   # optional
        themes: [open-data]                    # optional, ids of sources/themes.yaml
        territories: ["60", {region: "32"}, {commune: "60057"}]   # optional, INSEE codes

An item's position is its rank in the list (an explicit `position` must agree).
A plain territory code is a département (2 or 3 characters) or a commune (5);
a région is written {region: "32"} since région and département codes overlap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

from ..errors import SourceError
from ..text.codes import is_commune_code, is_departement_code, is_region_code
from ..text.yamlio import check_keys, did_you_mean, load_yaml, optional_text, required_text

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
    for path in sorted(issues_dir.glob("*.yaml")):
        read_issue(path, theme_ids, detect, tables)
    return tables


def read_issue(path: Path, theme_ids: set[str], detect: Detector, tables: dict) -> None:
    issue = check_keys(load_yaml(path), path, ISSUE_KEYS, ISSUE_OPTIONAL, what="issue")
    number = issue["number"]
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise SourceError(
            f"number must be a positive integer, got {number!r}", path, issue.line_of("number")
        )
    if path.stem != str(number):
        raise SourceError(
            f"file name does not match the issue number {number} (rename it {number}.yaml)",
            path,
            issue.line_of("number"),
        )
    tables["issues"].append(
        {
            "issue_number": number,
            "published_on": parse_date(issue["published_on"], path, issue.line_of("published_on")),
            "title": required_text(issue, "title", path),
            "url": optional_text(issue, "url", path),
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
            "url": optional_text(item, "url", path),
            "publisher": optional_text(item, "publisher", path),
            "summary": summary,
        }
    )
    tables["item_themes"] += item_themes(path, item, item_id, title, summary, theme_ids, detect)
    tables["item_territories"] += item_territories(path, item, item_id)


def item_themes(path, item, item_id, title, summary, theme_ids, detect) -> list[dict]:
    editorial = item.get("themes") or []
    if not isinstance(editorial, list):
        raise SourceError("themes must be a list of theme ids", path, item.line_of("themes"))
    rows: dict[str, dict] = {}
    for theme_id in editorial:
        if theme_id not in theme_ids:
            raise SourceError(
                f"unknown theme {theme_id!r}{did_you_mean(str(theme_id), theme_ids)}; "
                "themes are defined in sources/themes.yaml",
                path,
                item.line_of("themes"),
            )
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
    for entry in entries:
        kind, code = territory(entry, path, getattr(entry, "line", line))
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
        # YAML reads 06 as the number 6: the leading zero is lost unless quoted.
        hint = "" if isinstance(entry, str | dict) else ' (write INSEE codes in quotes, e.g. "06")'
        raise SourceError(f"{code!r} is not a valid INSEE {kind} code{hint}", path, line)
    return kind, code


def parse_date(value: Any, path: Path, line: int) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise SourceError(f"invalid date {value!r} (expected YYYY-MM-DD)", path, line) from exc
