"""Field options that only change how a value is written, undone for the whole column.

French data writes `1 234,5` for 1234.5, `12 %` for 12 and `31/12/2020` for 2020-12-31,
and says so with a field's `decimalChar`, `groupChar`, `bareNumber: false` or strptime
`format`. Such a column is re-spelled once into the default format's text ("1234.5",
"2020-12-31T00:00:00"), which the vectorized checks and key values of `cells` then
read as they read any default column. Where the re-spelling is not sure to mean what
frictionless's reader makes of the cell (a dot beside a decimal comma, a day written
with one digit), the cell is marked unsure: the exact reader then reads its own text,
as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from .forms import all_ascii, fixed_width_classes, fixed_width_match, holds_any
from .schema import FieldSpec

# (the re-spelled text, and where it is sure: True for every cell)
Respelling = Callable[[pa.Array], tuple[pa.Array, "pa.Array | bool"]]

# strptime's directives read here, with the number of digits each is written with
# (Python also takes one digit, or a space and a digit, for all but %Y: those cells are
# left to the reader). Any other directive leaves the format to the reader.
_DIGITS = {"Y": 4, "y": 2, "m": 2, "d": 2, "H": 2, "M": 2, "S": 2}
_DIRECTIVES = {"date": {"Y", "y", "m", "d"}, "datetime": set(_DIGITS), "time": {"H", "M", "S"}}
# What strptime puts where the format has no directive (a date's year is required here)
_UNWRITTEN = {"m": "01", "d": "01", "H": "00", "M": "00", "S": "00"}
# frictionless's `((^[^-\d]*)|(\D*$))` for bareNumber false, with RE2's ASCII digits
_NOT_DIGITS_AT_ENDS = r"^[^-0-9]*|[^0-9]*$"


def respelling(spec: FieldSpec) -> Respelling | None:
    """How to re-spell this field's cells as the default format writes them, or None
    when they already are (or when its options are not understood here)."""
    if spec.type == "number":
        return _number_respelling(spec)
    if spec.type == "integer" and not spec.bare_number:
        return _bare_ends
    if spec.type in ("date", "datetime", "time"):
        return _strptime_respelling(spec)
    return None


def _number_respelling(spec: FieldSpec) -> Respelling | None:
    group, decimal = spec.group_char, spec.decimal_char
    if not (isinstance(group, str) and isinstance(decimal, str)):
        return None
    if len(group) > 1 or len(decimal) != 1 or spec.float_number:
        return None  # (one character each: so the reader's strip() changes nothing here)
    if not group and decimal == "." and spec.bare_number:
        return None

    def respell(column: pa.Array) -> tuple[pa.Array, pa.Array | bool]:
        # The reader's own steps, in its order: the ends that are not digits out, the
        # group characters out, then a dot refused, then the decimal character made a
        # dot. (It strips the cell first; a cell with spaces at its ends stays one
        # Arrow's cast refuses: unsure.)
        text, sure = (column, True) if spec.bare_number else _bare_ends(column)
        if group:
            text = pc.replace_substring(text, group, "")
        if decimal != ".":
            if pc.any(pc.match_substring(text, ".")).as_py():
                dotless = pc.invert(pc.match_substring(text, "."))
                sure = dotless if sure is True else pc.and_(sure, dotless)
            text = pc.replace_substring(text, decimal, ".")
        return text, sure

    return respell


def _bare_ends(column: pa.Array) -> tuple[pa.Array, pa.Array | bool]:
    r"""bareNumber false: the ends that are not digits taken off (`12 %`, `€ 12`), as
    frictionless's regex does. Python's `\d` is every script's digits and its `$` also
    matches before a final newline: a cell with a digit beyond ASCII or a newline is
    left unsure (RE2's `\p{Nd}` holds at least Python's digits)."""
    text = pc.replace_substring_regex(column, _NOT_DIGITS_AT_ENDS, "")
    if all_ascii(column) and not holds_any(column, b"\n"):
        return text, True
    others = pc.replace_substring_regex(column, "[0-9]", "")
    return text, pc.invert(pc.match_substring_regex(others, r"[\p{Nd}\n]"))


def _strptime_respelling(spec: FieldSpec) -> Respelling | None:
    if spec.type == "date" and spec.format in ("default", "%Y-%m-%d"):
        return None  # frictionless's default date format, read as it is
    parsed = _fixed_digits_format(spec.format)
    if parsed is None:
        return None
    classes, places, example = parsed
    if set(places) - _DIRECTIVES[spec.type]:
        return None
    if spec.type != "time" and len({"Y", "y"} & set(places)) != 1:
        return None  # (no year: 1900 and its Feb 29 left out; both: which one wins?)

    def respell(column: pa.Array) -> tuple[pa.Array, pa.Array | bool]:
        sure = fixed_width_match(column, classes)
        written = column
        if not pc.all(sure).as_py():
            # Unsure cells become a plain one, so that every slice below has digits.
            written = pc.if_else(sure, column, example)

        def part(directive: str) -> pa.Array | str:
            if directive not in places:
                return _UNWRITTEN[directive]
            start = places[directive]
            return pc.utf8_slice_codeunits(written, start, start + _DIGITS[directive])

        clock = [part("H"), ":", part("M"), ":", part("S")]
        if spec.type == "time":
            return pc.binary_join_element_wise(*clock, ""), sure
        year = part("Y") if "Y" in places else _full_year(part("y"))
        pieces = [year, "-", part("m"), "-", part("d")]
        if spec.type == "datetime":
            pieces += ["T", *clock]
        return pc.binary_join_element_wise(*pieces, ""), sure

    return respell


def _full_year(two_digits: pa.Array) -> pa.Array:
    """strptime's %y: 69 to 99 in the 1900s, 00 to 68 in the 2000s."""
    century = pc.if_else(pc.less(pc.cast(two_digits, pa.int64()), 69), "20", "19")
    return pc.binary_join_element_wise(century, two_digits, "")


def _fixed_digits_format(form: object) -> tuple[tuple, dict[str, int], str] | None:
    """For a strptime format of digit directives and ASCII characters ("%d/%m/%Y"): the
    byte classes of the cells written with each directive's full width of digits,
    where each directive starts, and one such cell; else None."""
    if not isinstance(form, str) or "%" not in form or form.startswith("fmt:"):
        return None
    pattern, example, places = [], [], {}
    position, index = 0, 0
    while index < len(form):
        char = form[index]
        if char == "%":
            directive = form[index + 1 : index + 2]
            index += 2
            if directive == "%":
                char = "%"  # a literal percent sign, below
            elif directive in _DIGITS and directive not in places:
                places[directive] = position
                width = _DIGITS[directive]
                pattern.append(f"[0-9]{{{width}}}")
                example.append("2000" if directive == "Y" else "01")
                position += width
                continue
            else:
                return None  # another directive, or one given twice (strptime refuses it)
        else:
            index += 1
        if not char.isascii() or char.isspace() and char != " ":
            return None  # (strptime reads a space as any run of spaces: one is one)
        pattern.append(re.escape(char))
        example.append(char)
        position += 1
    classes = fixed_width_classes("".join(pattern))
    if classes is None:
        return None
    return classes, places, "".join(example)
