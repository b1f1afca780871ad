"""Dates of mixed precision, as research notes write them: "2020", "2020-05", "c. 2019-2020".

A claim dated "2020" must not become 2020-01-01: a date is kept as text of its own
precision ("YYYY", "YYYY-MM" or "YYYY-MM-DD") beside a word saying which precision it is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..errors import DateTextError

PRECISIONS = ("day", "month", "year", "range", "unknown")
PARTIAL_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
# "c." marks an approximate date; a trailing "(...)" is a comment ("(page undated)").
AS_OF = re.compile(
    r"^(?P<circa>c\.\s*)?(?P<core>[0-9]{4}(?:-[0-9]{2}){0,2}|[0-9]{4}-[0-9]{4})(?:\s+\((?P<comment>[^()]*)\))?$"
)
UNDATED = re.compile(r"^undated(?:\s+\([^()]*\))?$")


@dataclass(frozen=True)
class AsOf:
    """When a claim holds: a partial date, or a range of years, and how precise it is."""

    text: str | None
    date: str | None
    end: str | None
    precision: str
    approximate: bool


def parse_partial_date(text: str) -> tuple[str, str]:
    """("2020-05", "month") for "2020-05"; a date that cannot exist raises DateTextError."""
    match = PARTIAL_DATE.match(text)
    if not match:
        raise DateTextError(f"invalid date {text!r} (expected YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise DateTextError(f"invalid date {text!r}: {exc}") from exc
    if int(year) < 1000:
        raise DateTextError(f"invalid date {text!r}: year before 1000")
    precision = "day" if day else "month" if month else "year"
    return text, precision


def parse_as_of(text: str) -> AsOf:
    """Read an `as_of` text; raise DateTextError when it needs a person to say its date."""
    stripped = text.strip()
    if UNDATED.match(stripped):
        return AsOf(text, None, None, "unknown", False)
    match = AS_OF.match(stripped)
    if not match:
        raise DateTextError(
            f"cannot read the date in as_of {text!r}: accepted forms are YYYY, YYYY-MM, "
            "YYYY-MM-DD and YYYY-YYYY, optionally after 'c.' and before a '(comment)', or "
            "'undated'"
        )
    approximate = bool(match.group("circa"))
    core = match.group("core")
    if len(core) == 9:  # YYYY-YYYY, a range of years
        start, end = core[:4], core[5:]
        if int(end) <= int(start):
            raise DateTextError(f"invalid range {core!r}: the end year must follow the start")
        parse_partial_date(start)
        parse_partial_date(end)
        return AsOf(text, start, end, "range", approximate)
    date, precision = parse_partial_date(core)
    return AsOf(text, date, None, precision, approximate)


def given_date(text: str | None, date: str | None) -> AsOf:
    """An as_of whose text a person dated by hand (`as_of_date`), or left undated (None)."""
    if date is None:
        return AsOf(text, None, None, "unknown", False)
    value, precision = parse_partial_date(date)
    return AsOf(text, value, None, precision, False)
