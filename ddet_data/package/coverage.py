"""What period a package's tables cover: the span of the dates they hold.

A date is read at the precision it is written with, and never completed: `2023` covers
2023-01-01 to 2023-12-31, `2023-05` the whole of May 2023, `2023-05-17` that day. A field
`x` with a sibling `x_end` (the facts' `as_of` and `as_of_end`) is a range from the start
of `x` to the end of `x_end`; a sibling `x_precision` of `unknown` means no date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from .reader import PackageFolder

DATE_TYPES = ("date", "datetime")
PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def date_span(text: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day a date written as YYYY, YYYY-MM or YYYY-MM-DD covers."""
    match = PARTIAL_DATE.match(text.strip())
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last)
        return dt.date(year, month, day), dt.date(year, month, day)
    except ValueError:
        return None


def dated_fields(package: PackageFolder) -> list[str]:
    """Every `table.field` that holds a date: typed as one, or with a `_precision` sibling."""
    found = []
    for table in package.tables().values():
        names = {f["name"] for f in table.schema.get("fields", [])}
        for field in table.schema.get("fields", []):
            if field.get("type") in DATE_TYPES or f"{field['name']}_precision" in names:
                found.append(f"{table.name}.{field['name']}")
    return found


def temporal_coverage(package: PackageFolder, fields: tuple[str, ...] = ()) -> dict | None:
    """`{"start", "end"}` (ISO dates) over the named `table.field` values (every dated field
    when none is named), or None when the tables hold no date.
    """
    tables = package.tables()
    spans: list[tuple[dt.date, dt.date]] = []
    for item in fields or dated_fields(package):
        table_name, _, name = item.partition(".")
        table = tables.get(table_name)
        if table is None or table.csv is None:
            raise package.error(f"temporal field {item}: no table {table_name!r} in the package")
        columns = {f["name"] for f in table.schema.get("fields", [])}
        if name not in columns:
            raise package.error(f"temporal field {item}: no such column")
        end_name, precision_name = f"{name}_end", f"{name}_precision"
        for row in package.rows(table.csv):
            if row.get(precision_name) == "unknown" or not row.get(name):
                continue
            start = date_span(row[name][:10])
            end = date_span(row[end_name]) if row.get(end_name) else start
            if start and end:
                spans.append((start[0], end[1]))
    if not spans:
        return None
    return {
        "start": min(s for s, _ in spans).isoformat(),
        "end": max(e for _, e in spans).isoformat(),
    }
