"""Cell readers of the common field types, without importing frictionless.

A file with one bad cell used to import frictionless (~0.25 s, more than checking
500,000 good rows) only to read that cell. The readers here give what frictionless
5's cell reader gives for the same field and cell -- the value read, and the notes in
frictionless's words: `type` alone when the value cannot be read, else one note per
constraint broken, in the order frictionless checks them. They use the same standard
library calls as frictionless does (`int`, `Decimal`, `strptime`, `re`, and dateutil's
`isoparse` for datetimes and times), so the edge
cases (underscores, other scripts' digits, `NaN`, a newline before the end of a
pattern) agree by construction.

A field gets a reader here only when every option it has is understood; any other
(string formats, the `any` and `fmt:` formats, a bound that does not read as its
type...) keeps frictionless's (`cell_reader` returns None). tests/test_readers.py
holds these readers to frictionless's on generated fields and cells.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple

from .schema import FieldSpec

CellReader = Callable[[Any], tuple[Any, dict | None]]
ValueReader = Callable[[Any], Any]

# frictionless checks a type's constraints in this order (its `supported_constraints`),
# and ignores the others in a cell.
_CHECKED = {
    "string": ["required", "minLength", "maxLength", "pattern", "enum"],
    "boolean": ["required", "enum"],
    **{kind: ["required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"]
       for kind in ("integer", "number", "date", "datetime", "time", "year", "yearmonth")},
    "geopoint": ["required", "enum"],
}  # fmt: skip
_BOUNDS = {
    "minimum": operator.ge,
    "maximum": operator.le,
    "exclusiveMinimum": operator.gt,
    "exclusiveMaximum": operator.lt,
}
_NOT_DIGITS_AT_ENDS = re.compile(r"((^[^-\d]*)|(\D*$))")  # frictionless's, for bareNumber false


def value_reader(spec: FieldSpec) -> ValueReader | None:
    """What frictionless's value reader gives for this field, or None if not known here."""
    kind = spec.type
    if kind == "string":
        return _read_string if spec.format == "default" else None
    if kind == "boolean":
        return _boolean_reader(spec)
    if kind == "integer":
        return _integer_reader(spec)
    if kind == "number":
        return _number_reader(spec)
    if kind == "date":
        return _date_reader(spec)
    if kind == "datetime":
        return _datetime_reader(spec)
    if kind == "time":
        return _time_reader(spec)
    if kind == "year":
        return _read_year
    if kind == "yearmonth":
        return _read_yearmonth
    if kind == "geopoint":
        return _read_geopoint if spec.format == "default" else None
    return None


def cell_reader(spec: FieldSpec) -> CellReader | None:
    """frictionless's cell reader for this field, or None if not known here."""
    read_value = value_reader(spec)
    if read_value is None or spec.type not in _CHECKED:
        return None
    checks = []
    for name in _CHECKED[spec.type]:
        constraint = spec.constraints.get(name)
        if constraint is None:
            continue
        check = _check(name, constraint, read_value)
        if check is None:
            return None
        checks.append((name, check, f'constraint "{name}" is "{constraint}"'))
    missing_values = set(spec.missing_values)
    type_note = f'type is "{spec.type}/{spec.format}"'

    def read(cell: Any) -> tuple[Any, dict | None]:
        if str(cell) in missing_values:
            cell = None
        if cell is not None:
            cell = read_value(cell)
            if cell is None:
                return None, {"type": type_note}
        notes = None
        for name, check, note in checks:
            if not check(cell):
                notes = notes or {}
                notes[name] = note
        return cell, notes

    return read


def _check(name: str, constraint: Any, read_value: ValueReader) -> Callable | None:
    """The test of one constraint on a value read (None passes all but `required`), or
    None where frictionless's own test would differ or fail."""
    if name == "required":
        if constraint is True:
            return lambda value: value is not None
        return (lambda value: True) if constraint is False else None
    if name in ("minLength", "maxLength"):
        if type(constraint) is not int:
            return None
        compare = operator.ge if name == "minLength" else operator.le
        return lambda value: value is None or compare(len(value), constraint)
    if name == "pattern":
        if not isinstance(constraint, str):
            return None
        try:
            pattern = re.compile(f"^{constraint}$")
        except re.error:
            return None
        return lambda value: value is None or pattern.match(value) is not None
    if name == "enum":
        if not isinstance(constraint, list):
            return None
        members = [read_value(member) for member in constraint]
        return lambda value: value is None or value in members
    bound = read_value(constraint)
    if bound is None or bound != bound:
        return None  # frictionless would compare with None (and fail) or with NaN
    compare = _BOUNDS[name]
    # NaN breaks every bound, as frictionless says (it is not equal to itself)
    return lambda value: value is None or (value == value and compare(value, bound))


def _read_string(cell: Any) -> str | None:
    return cell if isinstance(cell, str) else None


def _boolean_reader(spec: FieldSpec) -> ValueReader:
    meaning = {value: True for value in spec.true_values}
    meaning.update({value: False for value in spec.false_values})

    def read(cell: Any) -> bool | None:
        if cell is True or cell is False:
            return cell
        return meaning.get(cell) if isinstance(cell, str) else None

    return read


def _integer_reader(spec: FieldSpec) -> ValueReader:
    strip_ends = None if spec.bare_number else _NOT_DIGITS_AT_ENDS

    def read(cell: Any) -> int | None:
        if isinstance(cell, str):
            cell = cell.strip()
            if strip_ends is not None:
                cell = strip_ends.sub("", cell)
            try:
                return int(cell)
            except ValueError:
                return None
        if cell is True or cell is False:
            return None
        if isinstance(cell, int):
            return cell
        if isinstance(cell, float) and cell.is_integer():
            return int(cell)
        if isinstance(cell, Decimal) and cell.is_finite() and cell % 1 == 0:
            return int(cell)
        return None

    return read


def _number_reader(spec: FieldSpec) -> ValueReader | None:
    if not isinstance(spec.group_char, str) or not isinstance(spec.decimal_char, str):
        return None
    if not spec.decimal_char:
        return None  # str.replace("", ".") would put a dot between every character
    strip_ends = None if spec.bare_number else _NOT_DIGITS_AT_ENDS
    group, decimal = spec.group_char, spec.decimal_char
    primary, secondary = (float, Decimal) if spec.float_number else (Decimal, float)

    def text_of(cell: str) -> str | None:
        # With frictionless's defaults, each of these steps leaves the text as it is.
        if strip_ends is not None:
            cell = strip_ends.sub("", cell)
        if group:
            cell = cell.replace(group, "")
        if decimal != ".":
            if "." in cell:
                return None
            cell = cell.replace(decimal, ".")
        return cell

    def read(cell: Any) -> Any:
        if isinstance(cell, str):
            text = text_of(cell.strip())
            if text is None:
                return None
            try:
                return primary(text)
            except (ArithmeticError, ValueError):  # Decimal's InvalidOperation, float's
                return None
        if isinstance(cell, primary):
            return cell
        if cell is True or cell is False:
            return None
        if isinstance(cell, int):
            return cell
        if isinstance(cell, secondary):
            return primary(str(cell)) if primary is Decimal else primary(cell)
        return None

    return read


def _date_reader(spec: FieldSpec) -> ValueReader | None:
    form = spec.format
    if form == "default":
        form = "%Y-%m-%d"  # frictionless's DEFAULT_DATE_PATTERN
    elif not _strptime_format(form):
        return None

    def read(cell: Any) -> dt.date | None:
        if isinstance(cell, dt.datetime):
            if cell.hour or cell.minute or cell.second:
                return None
            return cell.date()
        if isinstance(cell, dt.date):
            return cell
        if not isinstance(cell, str):
            return None
        try:
            return dt.datetime.strptime(cell, form).date()
        except (ValueError, TypeError):
            return None

    return read


def _strptime_format(form: Any) -> bool:
    """A format frictionless hands to strptime as it is (not `default`, `any` or `fmt:`)."""
    if not isinstance(form, str) or form in ("default", "any"):
        return False
    return "%" in form and not form.startswith("fmt:")


def _datetime_reader(spec: FieldSpec) -> ValueReader | None:
    from dateutil.parser import isoparse  # frictionless's parser of ISO datetimes

    def iso(cell: str) -> dt.datetime | None:
        # frictionless keeps out the shorter forms isoparse takes
        return isoparse(cell) if len(cell) >= 19 and cell[16] == ":" else None

    return _clock_reader(spec, dt.datetime, lambda parsed: parsed, iso)


def _time_reader(spec: FieldSpec) -> ValueReader | None:
    from dateutil.parser import isoparse

    def iso(cell: str) -> dt.time | None:
        if len(cell) < 8 or cell[5] != ":":
            return None
        return isoparse(f"2000-01-01T{cell}").timetz()

    return _clock_reader(spec, dt.time, dt.datetime.timetz, iso)


def _clock_reader(
    spec: FieldSpec, kind: type, from_strptime: Callable, from_iso: Callable
) -> ValueReader | None:
    """A datetime's or a time's reader: a value of that kind as it is; a text by strptime
    in the field's format, or by `from_iso` for the default format."""
    form = spec.format
    if form != "default" and not _strptime_format(form):
        return None

    def read(cell: Any) -> Any:
        if isinstance(cell, kind):
            return cell
        if not isinstance(cell, str):
            return None
        try:
            if form != "default":
                return from_strptime(dt.datetime.strptime(cell, form))
            return from_iso(cell)
        except Exception:  # as frictionless: whatever the parser refuses is no value
            return None

    return read


def _read_year(cell: Any) -> int | None:
    if not isinstance(cell, int):
        if not isinstance(cell, str) or len(cell) != 4:
            return None
        try:
            cell = int(cell)
        except ValueError:
            return None
    return cell if 0 <= cell <= 9999 else None


class YearMonth(NamedTuple):
    """frictionless's yearmonth value: equal to it, and written as it is in a report."""

    year: Any
    month: Any

    def __repr__(self) -> str:
        return f"yearmonth(year={self.year!r}, month={self.month!r})"


class GeoPoint(NamedTuple):
    """frictionless's geopoint value: equal to it, and written as it is in a report."""

    lon: Any
    lat: Any

    def __repr__(self) -> str:
        return str([float(self.lon), float(self.lat)])


def _read_yearmonth(cell: Any) -> YearMonth | None:
    if isinstance(cell, tuple | list):
        return YearMonth(cell[0], cell[1]) if len(cell) == 2 else None
    if not isinstance(cell, str):
        return None
    try:
        year, month = cell.split("-")
        year, month = int(year), int(month)
    except ValueError:
        return None
    return YearMonth(year, month) if 1 <= month <= 12 else None


def _read_geopoint(cell: Any) -> GeoPoint | None:
    """frictionless's geopoint in its default format, "lon, lat"."""
    try:
        if isinstance(cell, str):
            lon, lat = cell.split(",")
            cell = (Decimal(lon.strip()), Decimal(lat.strip()))
        lon, lat = cell
        # (a NaN fails here as in frictionless: ordering it raises)
        if lon > 180 or lon < -180 or lat > 90 or lat < -90:
            return None
    except Exception:  # as frictionless: whatever does not read is no value
        return None
    return GeoPoint(lon, lat)
