"""Checking a column of cells at once, with frictionless's cell reader as the arbiter.

For each field, a vectorized test picks the cells that are *certainly* fine: values
whose form is plain (`-?[0-9]+` for an integer, `YYYY-MM-DD` for a date...) and which
satisfy the constraints by a margin. Every other cell -- odd forms, errors, values on
a bound -- goes through the field's cell reader: frictionless's own, or for the common
types the one of `readers`, which gives the same value and notes without importing
frictionless. The vectorized test only has to be sound, never complete: when it is
unsure, the cell reader decides.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ...errors import Unsupported
from . import readers
from .forms import (
    all_ascii,
    arrow_of,
    cell_ends,
    fixed_width_classes,
    fixed_width_match,
    holds_any,
)
from .patterns import re2_pattern
from .schema import FieldSpec
from .spellings import respelling

_NUMBER = r"^-?[0-9]{1,15}(\.[0-9]{1,15})?$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"
_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
# An email as frictionless's validator reads it (both parts regardless of case): no
# dot at either end of the name nor two in a row, one dot in the domain. The parts'
# limits (a name of 64, a label of 63) hold for any cell of at most _EMAIL_LONGEST bytes.
_EMAIL = (r"^[a-zA-Z0-9](?:\.?[a-zA-Z0-9_-])*\.?[a-zA-Z0-9]"
          r"@[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]\.[a-zA-Z]{2,10}$")  # fmt: skip
_EMAIL_LONGEST = 64
# frictionless's uri check asks rfc3986 only for a scheme: printable ASCII after http(s)://
# always has one.
_URI = r"^https?://[!-~]+$"
_CACHE_SIZE = 200_000
# A batch with impossible dates (2021-02-30) is cast again without each refused value,
# up to this many distinct values (~1 ms a cast), before the regex and strptime path.
_CAST_RETRIES = 8
_REFUSED = re.compile(r"^Failed to parse string: '(.*)' as a scalar of type date32", re.S)
_EPOCH = dt.date(1970, 1, 1).toordinal()
_EPOCH_DATETIME = dt.datetime(1970, 1, 1)
_FIRST_DAY = dt.date(1, 1, 1).toordinal() - _EPOCH
_LAST_DAY = dt.date(9999, 12, 31).toordinal() - _EPOCH
# A year's cell is four characters (frictionless): written from an integer, 1000 to 9999.
_FIRST_YEAR, _LAST_YEAR = 1000, 9999


class FieldCheck:
    """One schema field: a sound vectorized test, the exact reader, and key values."""

    def __init__(self, field: FieldSpec, position: int):
        self.field = field
        self.position = position
        self.name = field.name
        self.type = field.type
        self.format = field.format
        self._reader: Any = None
        self._value_reader: Any = None
        self.missing_values = pa.array(field.missing_values, pa.string())
        self.only_blank_missing = field.missing_values == [""]
        self.constraints = dict(field.constraints)
        self.required = bool(self.constraints.get("required"))
        self._cache: dict[Any, tuple[Any, dict | None]] = {}
        self._cast: tuple[pa.Array, pa.Array] | None = None
        # Whether the column's cells repeat a few values, so that its distinct values
        # are checked instead of every cell: judged on its first large batch (the engine).
        self.repeats: bool | None = None
        # A decimal comma or a strptime format: the cells re-spelled as the default
        # format writes them (`spellings`), once per column, for the test and the keys.
        self._respell = respelling(field)
        self._respelled: tuple[pa.Array, pa.Array, Any] | None = None
        self.default_text = self._respell is not None or self.format in ("default", None) or (
            self.type == "date" and self.format == "%Y-%m-%d"
        )  # fmt: skip

    # The exact readers: those of `readers` where they know the field, else frictionless's
    # own (built, and frictionless imported, on demand)

    def read(self, source: Any) -> tuple[Any, dict | None]:
        try:
            return self._cache[source]
        except KeyError:
            pass
        if self._reader is None:
            self._reader = readers.cell_reader(self.field)
            if self._reader is None:
                self._reader = self.field.frictionless().create_cell_reader()
        result = self._reader(source)
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[source] = result
        return result

    def value_reader(self, value: Any) -> Any:
        if self.type == "integer" and type(value) is int:
            return value  # what frictionless's integer reader returns for an int
        if self.type == "number" and type(value) in (int, float):
            return value  # frictionless's Decimal of it, once made a float as here
        if self._value_reader is None:
            self._value_reader = readers.value_reader(self.field)
            if self._value_reader is None:
                self._value_reader = self.field.frictionless().create_value_reader()
        return self._value_reader(value)

    # The vectorized test

    def missing_mask(self, column: pa.Array) -> pa.Array:
        if self.only_blank_missing:
            present = pc.equal(column, "")  # the default, and 5x faster than is_in
        else:
            present = pc.is_in(column, value_set=self.missing_values)
        if not column.null_count:
            return present
        return pc.or_kleene(column.is_null(), present.fill_null(False))

    def default_spelling(self, column: pa.Array) -> tuple[pa.Array, Any]:
        """The column as the default format writes it, and where that is sure (True:
        everywhere); the column itself for a field written so."""
        if self._respell is None:
            return column, True
        last = self._respelled
        if last is None or last[0] is not column:  # (the keys ask again for the same one)
            self._respelled = last = (column, *self._respell(column))
        return last[1], last[2]

    def sure_mask(self, column: pa.Array, missing: pa.Array) -> pa.Array:
        """True where the cell reader would certainly return no note."""
        if self.required:
            blank_ok = pa.scalar(False)
        else:
            blank_ok = pa.scalar(True)
        text, spelled = self.default_spelling(column)
        # Missing cells get a placeholder of the right form so whole-column casts work
        # (text needs none: what its checks say of a missing cell is not read).
        filled = text
        if self.type in _PLACEHOLDERS and pc.any(missing).as_py():
            filled = pc.if_else(missing, _PLACEHOLDERS[self.type], text)
        value_ok = self._value_sure(filled)
        if value_ok is not False:
            value_ok = _both(value_ok, spelled)
        if isinstance(value_ok, bool):
            value_ok = pa.scalar(value_ok)
        return pc.if_else(missing, blank_ok, value_ok)

    def _value_sure(self, column: pa.Array) -> pa.Array | bool:
        kind = self.type
        constraints = self.constraints
        if kind == "any":
            return True
        if kind == "string":
            return self._string_sure(column)
        if kind in ("integer", "year"):
            values = None
            if kind == "integer":
                ok = _plain_integers(column)
                if ok.type == pa.int64():
                    values, ok = ok, True
                    self._cast = (column, values)  # the key values, when no cell is missing
            else:
                # Four ASCII digits (frictionless: four characters int() reads, 0 to 9999),
                # told without a regex pass.
                ok = pc.and_(pc.ascii_is_decimal(column), pc.equal(pc.binary_length(column), 4))
                if pc.all(ok).as_py():
                    values, ok = pc.cast(column, pa.int64()), True
            if not _only(
                constraints,
                {
                    "required",
                    "unique",
                    "minimum",
                    "maximum",
                    "exclusiveMinimum",
                    "exclusiveMaximum",
                    "enum",
                },
            ):
                return False  # fmt: skip
            if values is None:
                values = pc.cast(pc.if_else(ok, column, "0"), pa.int64())
            bounds = self._bounds_sure(values, int, strict_equal=False)
            ok = _both(ok, bounds)
            if "enum" in constraints:
                members = [self.value_reader(value) for value in constraints["enum"]]
                if not all(_int64(m) for m in members):
                    return False
                found = pc.is_in(values, value_set=pa.array(members, pa.int64()))
                ok = _both(ok, found)
            return ok
        if kind == "number":
            plain = self._respell is not None or self._plain_number() and self.field.bare_number
            if "enum" in constraints or not plain:
                return False
            try:
                # Arrow's float syntax is a subset of Decimal's (bareNumber aside, below)
                # but for C's "nan(...)", which Decimal refuses.
                values = pc.cast(column, pa.float64())
                ok: Any = True
                if pc.any(pc.is_nan(values)).as_py():
                    ok = pc.invert(pc.match_substring(column, "("))
            except pa.ArrowInvalid:
                ok = pc.match_substring_regex(column, _NUMBER)
                values = pc.cast(pc.if_else(ok, column, "0"), pa.float64())
            bounds = self._bounds_sure(values, float, strict_equal=True)
            return _both(ok, bounds)
        if kind == "boolean":
            accepted = {True: list(self.field.true_values), False: list(self.field.false_values)}
            if "enum" in constraints:
                members = [self.value_reader(value) for value in constraints["enum"]]
                if not all(isinstance(member, bool) for member in members):
                    return False
                accepted = {value: accepted[value] for value in set(members)}
            spellings = [text for texts in accepted.values() for text in texts]
            return pc.is_in(column, value_set=pa.array(spellings, pa.string()))
        if kind == "date":
            if not self.default_text:
                return False
            ok, days = _iso_dates(column)
            bounds = self._bounds_sure(days, _date_days, strict_equal=False)
            ok = _both(ok, bounds)
            if "enum" in constraints:
                members = [self.value_reader(value) for value in constraints["enum"]]
                if not all(type(member) is dt.date for member in members):
                    return False
                member_days = pa.array([_date_days(member) for member in members], pa.int64())
                found = pc.is_in(days, value_set=member_days)
                ok = _both(ok, found)
            return ok
        if kind == "datetime":
            bounds = set(_BOUNDS) & set(constraints)
            if not self.default_text or not _only(constraints, {"required", "unique"} | bounds):
                return False
            ok = _iso_datetimes(column)
            if not bounds:
                return ok
            # Compared as `datetime_key` counts them: exact integers, and a naive value
            # beside an aware bound (which Python refuses to compare) is left unsure.
            keys = arrow_of(_iso_datetime_keys(pc.if_else(ok, column, "1970-01-01T00:00:00")))
            aware = pc.greater_equal(keys, _AWARE >> 1)
            for name in sorted(bounds):
                bound = self.value_reader(constraints[name])
                if not isinstance(bound, dt.datetime):
                    return False
                bound_aware = bound.utcoffset() is not None
                holds = _BOUNDS[name](keys, pa.scalar(datetime_key(bound), pa.int64()))
                ok = pc.and_(ok, pc.and_(holds, aware if bound_aware else pc.invert(aware)))
            return ok
        if kind == "time":
            if not self.default_text or not _only(constraints, {"required", "unique"}):
                return False
            plain = pc.match_substring_regex(column, _TIME)
            if pc.all(plain).as_py() is not False:
                return plain
            # A fraction or a zone: frictionless reads the time as the datetime of a day
            # (dateutil's isoparse of "2000-01-01T" and the cell), so the forms are theirs.
            return _iso_datetimes(pc.binary_join_element_wise("2000-01-01T", column, ""))
        if kind == "yearmonth" and _only(constraints, {"required", "unique"}):
            return fixed_width_match(column, *_yearmonth_forms())
        if kind == "geopoint" and self.format == "default":
            if not _only(constraints, {"required", "unique"}):
                return False
            return _geopoints(column)
        return False

    def _string_sure(self, column: pa.Array) -> pa.Array | bool:
        constraints = self.constraints
        if self.format in ("default", None):
            ok: Any = True
        elif self.format == "uuid":
            ok = pc.match_substring_regex(column, _UUID)
        elif self.format == "email":
            ok = pc.and_(pc.match_substring_regex(column, _EMAIL),
                         pc.less_equal(pc.binary_length(column), _EMAIL_LONGEST))  # fmt: skip
        elif self.format == "uri":
            ok = pc.match_substring_regex(column, _URI)
        else:
            return False
        checks = []
        if "minLength" in constraints or "maxLength" in constraints:
            lengths = pc.utf8_length(column)  # in characters, as Python's len counts them
            if "minLength" in constraints:
                checks.append(pc.greater_equal(lengths, int(constraints["minLength"])))
            if "maxLength" in constraints:
                checks.append(pc.less_equal(lengths, int(constraints["maxLength"])))
        if "pattern" in constraints:
            checks.append(self._pattern_sure(column, constraints["pattern"]))
        if "enum" in constraints:
            members = constraints["enum"]
            if not all(isinstance(m, str) for m in members):
                return False
            checks.append(pc.is_in(column, value_set=pa.array(members, pa.string())))
        for check in checks:
            ok = _both(ok, check)
        return ok

    @staticmethod
    def _pattern_sure(column: pa.Array, pattern: str) -> pa.Array | bool:
        classes = fixed_width_classes(pattern)
        if classes is not None:
            return fixed_width_match(column, classes)
        # The pattern as Python's re reads it, written for RE2: the two then agree on
        # ASCII text without line breaks; anything else is left to the reader.
        spelled = re2_pattern(pattern)
        if spelled is None:
            return False
        try:
            matched = pc.match_substring_regex(column, spelled)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return False
        if not holds_any(column, b"\n") and all_ascii(column):
            return matched  # the usual case, told from the bytes at once
        plain = pc.and_(pc.string_is_ascii(column),
                        pc.invert(pc.match_substring(column, "\n")))  # fmt: skip
        return pc.and_(matched, plain)

    def _plain_number(self) -> bool:
        field = self.field
        return (
            field.decimal_char == "."
            and field.group_char in ("", ",", " ", "'")
            and not getattr(field, "float_number", False)
        )

    def _bounds_sure(self, values: pa.Array, convert, strict_equal: bool) -> pa.Array | bool:
        """Bounds checked on exact values; on floats only a strict margin is sure."""
        ok: Any = True
        for name, compare in _BOUNDS.items():
            if name not in self.constraints:
                continue
            bound = self.value_reader(self.constraints[name])
            if bound is None:
                return False
            bound = convert(bound)
            if strict_equal:
                compare = pc.greater if compare in (pc.greater_equal, pc.greater) else pc.less
            try:
                scalar = pa.scalar(bound, values.type)
            except (OverflowError, pa.ArrowInvalid):
                return False  # a bound beyond the values' type (2^63): the reader decides
            check = compare(values, scalar)
            ok = _both(ok, check)
        return ok

    # Typed columns (Parquet): checked from their Arrow values and statistics

    def typed_masks(self, typed: pa.Array, stats: Any) -> tuple[np.ndarray, np.ndarray] | None:
        """(missing, sure) for a typed column whose text cannot fail this field's type,
        or None when its text must be checked instead. A null is an empty cell."""
        if not self.only_blank_missing or pa.types.is_dictionary(typed.type):
            return None
        kind, constraints = self.type, self.constraints
        bounded = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
        if kind in ("integer", "year") and _small_integers(typed.type):
            if not _only(constraints, {"required", "unique", "enum"} | bounded):
                return None
        elif kind == "date" and pa.types.is_date32(typed.type):
            if self.format not in ("default", "%Y-%m-%d") or "enum" in constraints:
                return None
            if not _only(constraints, {"required", "unique"} | bounded):
                return None
        elif kind == "number" and (typed.type == pa.float64() or _small_integers(typed.type)):
            # pyarrow writes a double as its shortest round-trip text, which Decimal
            # reads as the same number: the float's value stands for the cell's. (Not a
            # float32's: its text "0.1" is not the double 0.10000000149 it widens to.)
            plain = self._plain_number() and self.field.bare_number
            if not plain or not _only(constraints, {"required", "unique"} | bounded):
                return None
            if _small_integers(typed.type) and not _integers_exact_as_doubles(typed):
                return None  # checked as text
        elif kind == "boolean" and pa.types.is_boolean(typed.type):
            plain = "true" in self.field.true_values and "false" in self.field.false_values
            if not plain or not _only(constraints, {"required", "unique"}):
                return None
        elif kind == "datetime" and _plain_timestamps(typed.type):
            # pyarrow writes "2021-01-12 12:54:55[.123456][Z]", which dateutil's isoparse
            # (frictionless's default reader) takes for any time from year 1 to 9999.
            if self.format != "default" or not _only(constraints, {"required"}):
                return None
        else:
            return None
        rows = len(typed)
        if typed.null_count:
            missing = typed.is_null().to_numpy(zero_copy_only=False)
        else:
            missing = np.zeros(rows, dtype=bool)
        value_ok = self._typed_values_sure(typed, stats)
        if value_ok is True:
            sure = np.ones(rows, dtype=bool)
        elif value_ok is False:  # (a bound the values' type cannot hold): the reader decides
            sure = np.zeros(rows, dtype=bool)
        else:
            sure = value_ok.fill_null(False).to_numpy(zero_copy_only=False).copy()
        if missing.any():
            sure[missing] = not self.required
        return missing, sure

    def proven_by_statistics(self, kind: pa.DataType, stats: Any) -> bool:
        """Whether a row group's statistics alone prove every cell of this column present
        and valid, so that the column need not be read (only its text for the rows with
        findings). Floats never are: their statistics leave NaN out."""
        try:
            return self._proven_by_statistics(kind, stats)
        except (OverflowError, ValueError):
            return False  # a min or max Python cannot hold (after year 9999): read it

    def _proven_by_statistics(self, kind: pa.DataType, stats: Any) -> bool:
        if stats is None or not self.only_blank_missing or self.format not in ("default", None):
            return False
        if not (stats.has_null_count and stats.null_count == 0):
            return False  # a null is an empty cell: a missing value, or a blank row
        if pa.types.is_dictionary(kind):
            kind = kind.value_type
        bounded = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
        constraints = self.constraints
        if self.type == "string" and _only(constraints, {"required"}):
            if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
                return True  # the text of a number, a date or a boolean is never empty
            return stats.has_min_max and len(stats.min) > 0  # no empty cell
        if self.type == "integer" and _small_integers(kind):
            return _only(constraints, {"required"} | bounded) and (
                not set(constraints) & bounded or self._stats_prove_bounds(stats, int)
            )
        if self.type == "year" and _small_integers(kind):
            return (
                _only(constraints, {"required"} | bounded)
                and _stats_within(stats, _FIRST_YEAR, _LAST_YEAR)
                and (not set(constraints) & bounded or self._stats_prove_bounds(stats, int))
            )
        if self.type == "number" and _small_integers(kind):
            plain = self._plain_number() and self.field.bare_number
            return plain and _only(constraints, {"required"} | bounded) and (
                not set(constraints) & bounded or self._stats_prove_bounds(stats, float, True)
            )  # fmt: skip
        if self.type == "date" and pa.types.is_date32(kind):
            return (
                _only(constraints, {"required"} | bounded)
                and _stats_within(stats, dt.date(1, 1, 1), dt.date(9999, 12, 31))
                and (not set(constraints) & bounded or self._stats_prove_bounds(stats, _date_days))
            )
        if self.type == "boolean" and pa.types.is_boolean(kind):
            plain = "true" in self.field.true_values and "false" in self.field.false_values
            return plain and _only(constraints, {"required"})
        if self.type == "datetime" and _plain_timestamps(kind):
            if not (_only(constraints, {"required"}) and stats.has_min_max):
                return False
            low, high = stats.min, stats.max
            if not (isinstance(low, dt.datetime) and isinstance(high, dt.datetime)):
                return False
            # (the same instants as naive times, as the typed check compares them)
            low, high = low.replace(tzinfo=None), high.replace(tzinfo=None)
            return _FIRST_TIME <= low and high <= _LAST_TIME
        return False

    def _typed_values_sure(self, typed: pa.Array, stats: Any) -> pa.Array | bool:
        if self.type == "boolean":
            return True
        if self.type == "datetime":
            # Python's datetimes run from year 1 to 9999; Arrow's much further.
            naive = pa.timestamp(typed.type.unit)
            low, high = (pa.scalar(t, pa.timestamp("us")).cast(naive).cast(pa.int64())
                         for t in (_FIRST_TIME, _LAST_TIME))  # fmt: skip
            values = typed.cast(naive).cast(pa.int64())  # the same instants, as numbers
            if values.null_count == len(values):
                return True
            if pc.min(values).as_py() >= low.as_py() and pc.max(values).as_py() <= high.as_py():
                return True
            return pc.and_(pc.greater_equal(values, low), pc.less_equal(values, high))
        if self.type == "date":
            days = pc.cast(pc.cast(typed, pa.int32()), pa.int64())
            # Python's dates run from year 1 to 9999; Arrow's further.
            # (the statistics first: when they prove it, no value is compared)
            within: Any = True
            if not _stats_within(stats, dt.date(1, 1, 1), dt.date(9999, 12, 31)):
                within = pc.and_(pc.greater_equal(days, _FIRST_DAY),
                                 pc.less_equal(days, _LAST_DAY))  # fmt: skip
            bounds: Any = True
            if not self._stats_prove_bounds(stats, _date_days):
                bounds = self._bounds_sure(days, _date_days, strict_equal=False)
            return _both(within, bounds)
        if self.type == "number":
            values = typed if typed.type == pa.float64() else pc.cast(typed, pa.float64())
            finite: Any = True
            if pa.types.is_floating(typed.type):
                finite = pc.is_finite(values)  # "inf" and "nan" are left to the reader
                if pc.all(finite).as_py() is not False:
                    finite = True  # (nulls are told apart by the missing mask)
            bounds: Any = True
            if not self._stats_prove_bounds(stats, float, strict=True):
                bounds = self._bounds_sure(values, float, strict_equal=True)
            return _both(finite, bounds)
        values = typed if typed.type == pa.int64() else pc.cast(typed, pa.int64())
        within: Any = True
        if self.type == "year" and not _stats_within(stats, _FIRST_YEAR, _LAST_YEAR):
            within = pc.and_(pc.greater_equal(values, _FIRST_YEAR),
                             pc.less_equal(values, _LAST_YEAR))  # fmt: skip
        bounds: Any = True  # when the row group's min and max are inside, so is every value
        if not self._stats_prove_bounds(stats, int):
            bounds = self._bounds_sure(values, int, strict_equal=False)
        bounds = _both(within, bounds)
        found: Any = True
        if "enum" in self.constraints:
            members = [self.value_reader(value) for value in self.constraints["enum"]]
            if not all(_int64(m) for m in members):
                return False
            found = pc.is_in(values, value_set=pa.array(members, pa.int64()))
        return _both(bounds, found)

    def _stats_prove_bounds(self, stats: Any, convert, strict: bool = False) -> bool:
        """True when the row group's min and max lie inside every bound (on floats, by a
        strict margin, as for single values)."""
        if stats is None or not stats.has_min_max:
            return False
        low, high = convert(stats.min), convert(stats.max)
        if strict and not (math.isfinite(low) and math.isfinite(high)):
            return False
        for name, holds in (
            ("minimum", lambda b: low > b if strict else low >= b),
            ("maximum", lambda b: high < b if strict else high <= b),
            ("exclusiveMinimum", lambda b: low > b), ("exclusiveMaximum", lambda b: high < b),
        ):  # fmt: skip
            if name in self.constraints:
                bound = self.value_reader(self.constraints[name])
                if bound is None or not holds(convert(bound)):
                    return False
        return True

    def typed_key_values(
        self, typed: pa.Array, sure: np.ndarray, missing: np.ndarray, targets: dict[int, Any]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Key values straight from a typed column (see `key_values`)."""
        if self.type == "date":
            values = pc.cast(pc.cast(typed, pa.int32()), pa.int64())
        elif self.type == "number":
            values = typed if typed.type == pa.float64() else pc.cast(typed, pa.float64())
        elif self.type == "boolean":
            values = pc.cast(typed, pa.int64())
        elif self.type == "datetime":  # a plain timestamp (see `typed_masks`)
            micro = pc.cast(pc.cast(typed, pa.timestamp("us", typed.type.tz)), pa.int64())
            values = pc.add(micro, _AWARE) if typed.type.tz is not None else micro
        else:
            values = typed if typed.type == pa.int64() else pc.cast(typed, pa.int64())
        values = values.fill_null(0).to_numpy(zero_copy_only=False).copy()
        return with_targets(values, ~(sure & ~missing), targets)

    # Key values for unique, primary and foreign keys

    def key_kind(self) -> str:
        if self.type in ("integer", "year", "boolean", "date", "datetime"):
            return "int"  # (a datetime as `datetime_key` counts it)
        if self.type == "number":
            return "float"
        if self.type in ("string", "any"):
            return "str"
        return "python"

    def key_values(
        self, column: pa.Array, sure: np.ndarray, missing: np.ndarray, targets: dict[int, Any]
    ) -> tuple[np.ndarray | pa.Array, np.ndarray]:
        """Cast values (as hashable numpy data) and a null mask, for cells read as valid."""
        kind = self.key_kind()
        valid_sure = sure & ~missing
        if kind in ("float", "int"):
            column, _ = self.default_spelling(column)  # (the sure cells are re-spelled)
        if kind == "python":
            values = np.empty(len(column), dtype=object)
            nulls = np.ones(len(column), dtype=bool)
            for index, source in enumerate(column.to_pylist()):
                if missing[index]:
                    continue
                target, _ = self.read(source)
                if target is not None:
                    values[index] = _python_key(target)
                    nulls[index] = False
            return values, nulls
        if kind == "str":
            # A string cell's cast value is the cell itself: hash straight from Arrow.
            nulls = ~valid_sure
            for index, target in targets.items():
                nulls[index] = target is None
            return column, nulls
        if kind == "float":
            _floats_hold_exactly(column, valid_sure, targets)
            text = pc.if_else(arrow_of(valid_sure), column.fill_null("0"), "0")
            values = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False).copy()
        else:
            values = self._int_keys(column, valid_sure)
        return with_targets(values, ~valid_sure, targets)

    def _int_keys(self, column: pa.Array, valid_sure: np.ndarray) -> np.ndarray:
        mask = arrow_of(valid_sure)
        if self.type == "boolean":
            truthy = pc.is_in(column.fill_null(""), value_set=pa.array(
                list(self.field.true_values), pa.string()))  # fmt: skip
            return truthy.to_numpy(zero_copy_only=False).astype(np.int64)
        if self.type == "date":
            _, days = _iso_dates(pc.if_else(mask, column.fill_null(""), "1970-01-01"))
            return days.to_numpy(zero_copy_only=False).astype(np.int64)
        if self.type == "datetime":
            return _iso_datetime_keys(pc.if_else(mask, column.fill_null(""), "1970-01-01T00:00:00"))
        if self._cast is not None and self._cast[0] is column and valid_sure.all():
            return self._cast[1].to_numpy(zero_copy_only=False).copy()
        text = pc.if_else(mask, column.fill_null(""), "0")
        return pc.cast(text, pa.int64()).to_numpy(zero_copy_only=False).copy()


_BOUNDS = {"minimum": pc.greater_equal, "maximum": pc.less_equal,
           "exclusiveMinimum": pc.greater, "exclusiveMaximum": pc.less}  # fmt: skip
_PLACEHOLDERS = {"integer": "0", "number": "0", "year": "2000", "date": "2000-01-01",
                 "datetime": "2000-01-01T00:00:00", "time": "00:00:00", "yearmonth": "2000-01",
                 "geopoint": "0,0"}  # fmt: skip


def _plain_integers(column: pa.Array) -> pa.Array:
    """The cells as int64 when all are integers Python's `int` reads alike; else a mask
    of the cells that certainly are."""
    # Arrow's integer syntax is Python's minus whitespace and underscores, plus hex
    # ("0x1F"), which Python's int() refuses: only a column without x takes the cast.
    if not holds_any(column, b"xX"):
        try:
            return pc.cast(column, pa.int64())
        except pa.ArrowInvalid:
            pass
    # Some cell is not an integer: mark the plain ones (-?[0-9]{1,17}) without a regex.
    ok = pc.and_(pc.ascii_is_decimal(column), pc.less_equal(pc.binary_length(column), 18))
    negative = pc.starts_with(column, "-")
    if pc.any(negative).as_py():
        digits = pc.ascii_is_decimal(pc.utf8_slice_codeunits(column, 1))
        ok = pc.or_(ok, pc.and_(negative, pc.and_(digits, pc.less_equal(
            pc.binary_length(column), 18))))  # fmt: skip
    return ok


def _iso_dates(column: pa.Array) -> tuple[pa.Array | bool, pa.Array]:
    """(certainly YYYY-MM-DD and a real day, days since 1970) for a string column."""
    # Arrow's cast accepts only real ISO dates, as Python's strptime does, but from
    # year 0000 where Python starts at 0001: a day before 0001-01-01 is left unsure.
    bad: Any = None
    text = column
    for _ in range(_CAST_RETRIES):
        try:
            days = pc.cast(pc.cast(pc.cast(text, pa.date32()), pa.int32()), pa.int64())
        except pa.ArrowInvalid as exc:
            # The cast names the first cell it refuses: set aside every cell equal to
            # it (they go to the reader) and cast the rest again. Only soundness
            # matters here: a refused cell is merely unsure.
            refused = _REFUSED.match(str(exc))
            if refused is None:
                break
            same = pc.equal(column, refused.group(1))
            if not pc.any(same).as_py():
                break
            bad = same if bad is None else pc.or_(bad, same)
            text = pc.if_else(bad, "1970-01-01", column)
            continue
        earliest = pc.min(days).as_py()
        if earliest is not None and earliest < _FIRST_DAY:
            year_zero = pc.less(days, _FIRST_DAY)
            bad = year_zero if bad is None else pc.or_(bad, year_zero)
        return (True if bad is None else pc.invert(bad)), days
    ok = pc.and_(pc.match_substring_regex(column, _DATE),
                 pc.invert(pc.starts_with(column, "0000")))  # fmt: skip
    text = pc.if_else(ok, column, "1970-01-01")
    parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
    ok = pc.and_(ok, _same_day(parsed, text).fill_null(False))
    days = pc.cast(pc.cast(parsed.fill_null(0), pa.date32()), pa.int32())
    return ok, pc.cast(days, pa.int64())


@functools.cache
def _datetime_forms() -> tuple[tuple[np.ndarray, ...], ...]:
    """YYYY-MM-DDTHH:MM:SS or with a space for T, then up to 6 digits of a second, then
    no zone, a Z, or an offset under 24 hours (+HH:MM, +HHMM, +HH, or with a minus):
    what dateutil's isoparse, frictionless's default reader, takes."""
    head = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-2][0-9]:[0-5][0-9]:[0-5][0-9]"
    fractions = [""] + [rf"\.[0-9]{{{digits}}}" for digits in range(1, 7)]
    # (isoparse refuses an offset of 24 hours or more: two forms keep it out)
    offsets = [rf"[+-]{hours}{minutes}" for minutes in (":[0-5][0-9]", "[0-5][0-9]", "")
               for hours in ("[01][0-9]", "2[0-3]")]  # fmt: skip
    forms = [fixed_width_classes(head + fraction + zone)
             for zone in ("", "Z", *offsets) for fraction in fractions]  # fmt: skip
    return tuple(form for form in forms if form is not None)


def _iso_datetimes(column: pa.Array) -> pa.Array:
    """Certainly a datetime frictionless's default reader takes: one of the forms above,
    on a real day, at a real time."""
    plain = _plain_iso_seconds(column)
    if plain is not None:
        return plain
    return _iso_datetimes_by_form(column)


def _plain_iso_seconds(column: pa.Array) -> pa.Array | None:
    """The common case at a third of the cost: every cell `YYYY-MM-DD[T ]HH:MM:SS`, told
    by its separators alone when Arrow's cast takes the whole column, since that cast
    reads a digit at every other place and refuses a month, day, hour, minute or second
    out of range (Feb 30, 24:00:00, a leap second). None when it does not apply."""
    ends = cell_ends(column)
    data = column.buffers()[2]
    if data is None or column.null_count or not len(column):
        return None
    if int(ends[-1] - ends[0]) != 19 * len(column) or not (np.diff(ends) == 19).all():
        return None
    cells = np.frombuffer(data, np.uint8)[int(ends[0]) : int(ends[-1])].reshape(-1, 19)
    dash, colon = ord("-"), ord(":")
    ok = (cells[:, 4] == dash) & (cells[:, 7] == dash) & (cells[:, 13] == colon)
    ok &= (cells[:, 16] == colon) & ((cells[:, 10] == ord("T")) | (cells[:, 10] == ord(" ")))
    if not ok.all():
        return None
    try:
        pc.cast(column, pa.timestamp("s"))
    except pa.ArrowInvalid:
        return None
    return pc.invert(pc.starts_with(column, "0000"))  # Arrow takes year 0, Python not


def _iso_datetimes_by_form(column: pa.Array) -> pa.Array:
    forms = _datetime_forms()
    # A column mostly keeps one form (its first cell's): tried alone first, it is told
    # from one matrix of bytes; only a column of mixed forms is matched form by form.
    first = column[:1]
    form = next((form for form in forms if pc.all(fixed_width_match(first, form)).as_py()),
                forms[0])  # fmt: skip
    ok = fixed_width_match(column, form)
    every = pc.all(ok).as_py()
    if not every:
        ok = fixed_width_match(column, *forms)
    if every and len(form) == 19:
        head = column
    else:
        placed = column if every else pc.if_else(ok, column, "1970-01-01T00:00:00")
        head = pc.utf8_slice_codeunits(placed, 0, 19)
    try:
        # Arrow's cast refuses what Python refuses (Feb 30, hour 24), but takes year
        # 0000, where Python starts at 0001.
        parsed = pc.cast(head, pa.timestamp("s"))
    except pa.ArrowInvalid:
        head = pc.replace_substring(head, " ", "T")
        parsed = pc.strptime(head, format="%Y-%m-%dT%H:%M:%S", unit="s", error_is_null=True)
        ok = pc.and_(ok, _same_day(parsed, head).fill_null(False))
    return pc.and_(ok, pc.invert(pc.starts_with(column, "0000")))


@functools.cache
def _yearmonth_forms() -> tuple[tuple[np.ndarray, ...], ...]:
    """YYYY-MM with a month from 01 to 12: what frictionless's yearmonth reads."""
    forms = (fixed_width_classes("[0-9]{4}-0[1-9]"), fixed_width_classes("[0-9]{4}-1[0-2]"))
    return tuple(form for form in forms if form is not None)


def _geopoints(column: pa.Array) -> pa.Array:
    """Certainly a "lon, lat" frictionless reads: one comma, two numbers Arrow reads
    (a subset of what Decimal reads, the spaces at their ends trimmed) strictly inside
    the bounds (a float on a bound may be a Decimal just beyond it; NaN never is)."""
    one_comma = pc.equal(pc.count_substring(column, ","), 1)
    parts = pc.split_pattern(pc.if_else(one_comma, column, "0,0"), ",")
    ok = one_comma
    for index, limit in ((0, 180), (1, 90)):
        text = pc.utf8_trim(pc.list_element(parts, index), " ")
        try:
            values = pc.cast(text, pa.float64())
        except pa.ArrowInvalid:
            plain = pc.match_substring_regex(text, _NUMBER)
            values = pc.cast(pc.if_else(plain, text, "0"), pa.float64())
            ok = pc.and_(ok, plain)
        inside = pc.and_(pc.greater(values, -limit), pc.less(values, limit))
        ok = pc.and_(ok, inside)
    return ok


def _same_day(parsed: pa.Array, text: pa.Array) -> pa.Array:
    """Arrow's strptime rolls 2021-02-30 over to March: compare month and day back."""
    month = pc.cast(pc.utf8_slice_codeunits(text, 5, 7), pa.int64())
    day = pc.cast(pc.utf8_slice_codeunits(text, 8, 10), pa.int64())
    return pc.and_(pc.equal(pc.month(parsed), month), pc.equal(pc.day(parsed), day))


_FIRST_TIME = dt.datetime(1, 1, 1)
_LAST_TIME = dt.datetime(9999, 12, 31, 23, 59, 59)


def _plain_timestamps(kind: pa.DataType) -> bool:
    """Timestamps whose CSV text frictionless reads back: to the microsecond (its
    datetimes hold no nanoseconds), naive or in UTC (written with a final Z)."""
    return (
        pa.types.is_timestamp(kind) and kind.unit in ("s", "ms", "us") and kind.tz in (None, "UTC")
    )


def _small_integers(kind: pa.DataType) -> bool:
    """Integer types whose every value is an int64 (uint64 may not be)."""
    return pa.types.is_integer(kind) and kind != pa.uint64()


def _stats_within(stats: Any, low: Any, high: Any) -> bool:
    return stats is not None and stats.has_min_max and low <= stats.min and stats.max <= high


def _both(first: Any, second: Any) -> Any:
    if first is True:
        return second
    if second is True:
        return first
    return pc.and_(first, second)


def _int64(value: Any) -> bool:
    """An int (not a bool) an Arrow int64 holds: an enum member beyond it is the reader's."""
    return type(value) is int and -(2**63) <= value < 2**63


def _only(constraints: dict, allowed: set[str]) -> bool:
    return set(constraints) <= allowed


def _date_days(value: Any) -> int:
    return value.toordinal() - _EPOCH


def _integers_exact_as_doubles(integers: pa.Array) -> bool:
    """Whether a double holds each integer exactly: every one up to 2^53 does."""
    if len(integers) == integers.null_count:
        return True
    low, high = pc.min_max(integers).values()
    return max(-low.as_py(), high.as_py()) <= 2**53


def _floats_hold_exactly(column: pa.Array, valid_sure: np.ndarray, targets: dict) -> None:
    """Number keys are compared as doubles; frictionless compares Decimals, which tell
    "1" from "1.0000000000000001", and 1e-400 from 0. A double tells apart any two
    numbers of at most 15 digits whose exponent lies within its normal range (10^-307
    to 10^307): a key beyond is left to frictionless. A cell of at most 15 characters
    without an exponent is always within."""
    text = column.fill_null("")
    long = pc.greater(pc.binary_length(text), 15)
    exponent = pc.match_substring(text, "e", ignore_case=True)
    flagged = pc.or_(long, exponent).to_numpy(zero_copy_only=False) & valid_sure
    cells = column.take(arrow_of(np.flatnonzero(flagged))).to_pylist()
    cells += [str(target) for target in targets.values() if isinstance(target, Decimal)]
    for cell in cells:
        if not _held_by_a_double(cell):
            raise Unsupported(f"a number key a double cannot hold exactly ({cell})")


def _held_by_a_double(cell: str) -> bool:
    try:
        value = Decimal(cell.strip())
    except ArithmeticError:
        return False  # group characters, a currency...: not worth telling here
    if not value.is_finite() or value == 0:
        return True
    digits = value.as_tuple().digits
    return len(digits) <= 15 and -307 <= value.adjusted() <= 307


def with_targets(
    values: np.ndarray, nulls: np.ndarray, targets: dict[int, Any]
) -> tuple[np.ndarray, np.ndarray]:
    """Key values with the doubtful cells' values read one by one put in (None: no value)."""
    for index, target in targets.items():
        if target is None:
            continue
        nulls[index] = False
        try:
            values[index] = _to_key(target)
        except OverflowError:  # a valid integer beyond 64 bits: frictionless's ints have none
            raise Unsupported(f"a key value beyond 64 bits ({target})") from None
    return values, nulls


def _to_key(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return datetime_key(value)
    if isinstance(value, dt.date):
        return _date_days(value)
    return value


def _exact_number(value: Any) -> str:
    """A text two numbers share exactly when Python holds them equal (1.0 is 1, -0 is 0)."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        value = Decimal(value)  # (exactly: 0.5 == Decimal("0.5") in Python too)
    if isinstance(value, Decimal) and value == 0:
        return "0"
    if isinstance(value, Decimal) and value.is_finite():
        # Its digits without trailing zeros, and its exponent: exact at any length
        # (normalize() would round to the context's 28 digits).
        sign, digits, exponent = value.as_tuple()
        while len(digits) > 1 and digits[-1] == 0:
            digits, exponent = digits[:-1], exponent + 1
        return f"{'-' if sign else ''}{''.join(map(str, digits))}e{exponent}"
    return str(value)


_AWARE = 1 << 62  # added to an aware datetime's key: never equal to a naive one's
_MICROSECOND = dt.timedelta(microseconds=1)


def datetime_key(value: dt.datetime) -> int:
    """An integer two datetimes share exactly when Python holds them equal, as the sets
    of keys of frictionless do: microseconds since 1970 (in UTC for an aware one, so
    that `2020-01-01T01:00:00+01:00` is `2020-01-01T00:00:00Z`), plus 2^62 when aware."""
    offset = value.utcoffset()
    micro = (value.replace(tzinfo=None) - _EPOCH_DATETIME) // _MICROSECOND
    if offset is None:
        return micro
    return micro - offset // _MICROSECOND + _AWARE


def _iso_datetime_keys(column: pa.Array) -> np.ndarray:
    """`datetime_key` of cells of the forms `_iso_datetimes` is sure of, all at once:
    the seconds from the first 19 characters, the fraction padded to microseconds, and
    the zone (dateutil reads a Z or an offset as an aware datetime)."""
    head = pc.replace_substring(pc.utf8_slice_codeunits(column, 0, 19), " ", "T")
    keys = pc.multiply(pc.cast(pc.cast(head, pa.timestamp("s")), pa.int64()), 1_000_000)
    if pc.max(pc.binary_length(column)).as_py() == 19:
        return keys.to_numpy(zero_copy_only=False).astype(np.int64)  # the common case
    parts = pc.extract_regex(pc.utf8_slice_codeunits(column, 19),
                             r"^(?:\.(?P<fraction>[0-9]*))?(?P<zone>.*)$")  # fmt: skip
    fraction, zone = parts.field("fraction"), parts.field("zone")
    micro = pc.cast(pc.utf8_rpad(fraction, width=6, padding="0"), pa.int64())
    keys = pc.add(keys, micro)
    # An offset's hours and minutes ("Z", and no zone, read as +00:00)
    utc = pc.or_(pc.equal(zone, "Z"), pc.equal(zone, ""))
    offset = pc.replace_substring(pc.if_else(utc, "+00", zone), ":", "")
    hours = pc.cast(pc.utf8_slice_codeunits(offset, 1, 3), pa.int64())
    minutes = pc.cast(pc.utf8_rpad(pc.utf8_slice_codeunits(offset, 3, 5), width=2, padding="0"),
                      pa.int64())  # fmt: skip
    offset_micro = pc.multiply(pc.add(pc.multiply(hours, 60), minutes), 60_000_000)
    offset_micro = pc.if_else(pc.starts_with(offset, "-"), pc.negate(offset_micro), offset_micro)
    aware = pc.subtract(pc.add(keys, _AWARE), offset_micro)
    keys = pc.if_else(pc.equal(zone, ""), keys, aware)
    return keys.to_numpy(zero_copy_only=False).astype(np.int64)


def _python_key(value: Any) -> str:
    """A text two cast values share exactly when Python holds them equal, as the sets
    of keys of frictionless do: an aware time stands for its microseconds in UTC
    (`01:00:00+01:00` is `00:00:00Z`), and is never equal to a naive one (whose text
    starts with a digit). (Datetimes are keyed by `datetime_key`.)"""
    if isinstance(value, tuple):  # a geopoint's Decimals, a yearmonth's ints
        return "(" + ", ".join(_exact_number(part) for part in value) + ")"
    if not isinstance(value, dt.time) or value.utcoffset() is None:
        return str(value)
    since = ((value.hour * 60 + value.minute) * 60 + value.second) * 10**6 + value.microsecond
    return f"@t{since - value.utcoffset() // _MICROSECOND}"
