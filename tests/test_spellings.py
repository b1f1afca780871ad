"""The re-spellings of `ddet_data.validate.fast.spellings` against Python's own reading.

A re-spelled cell marked sure must mean, once read in the default format, what
frictionless's reader (Python's `re`, `Decimal`, `strptime`) makes of the cell as written.
"""

from __future__ import annotations

import datetime as dt
import re

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from ddet_data.validate.fast.schema import FieldSpec
from ddet_data.validate.fast.spellings import _bare_ends, respelling

FRICTIONLESS_ENDS = re.compile(r"((^[^-\d]*)|(\D*$))")  # frictionless's, for bareNumber false


def castable(text: str) -> bool:
    for kind in (pa.float64(), pa.int64()):
        try:
            pc.cast(pa.array([text]), kind)
            return True
        except pa.ArrowInvalid:
            pass
    return False


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text("0123456789-+.,% €a٣\n", max_size=8), min_size=1, max_size=10))
def test_bare_number_ends_are_taken_off_as_python_takes_them_off(cells):
    text, sure = _bare_ends(pa.array(cells, pa.string()))
    sure = [True] * len(cells) if sure is True else sure.to_pylist()
    for cell, ours, ok in zip(cells, text.to_pylist(), sure, strict=True):
        if ok and castable(ours):
            assert ours == FRICTIONLESS_ENDS.sub("", cell), cell


def test_a_digit_of_another_script_or_a_newline_leaves_the_cell_unsure():
    text, sure = _bare_ends(pa.array(["12 %", "٣12 %", "12\n", "€ 12"]))
    assert text.to_pylist()[0] == "12" and sure.to_pylist() == [True, False, False, True]


FORMATS = ["%d/%m/%Y", "%Y", "%m/%Y", "%Y%m%d", "%d.%m.%Y", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M",
           "%H:%M:%S %d/%m/%Y", "%Y %%", "%d/%m/%y", "%d/%m/%y %H:%M", "%H:%M", "%Hh%M",
           "%H:%M:%S", "%y"]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    form=st.sampled_from(FORMATS),
    kind=st.sampled_from(["date", "datetime", "time"]),
    cells=st.lists(
        st.one_of(st.text("0123456789/.:- T%", max_size=19),
                  st.sampled_from(["31/12/2020", "29/02/2021", "2020", "12/2020", "20201231",
                                   "31.12.2020", "2020-12-31T10:30", "31/12/2020 24:00",
                                   "10:30:60 31/12/2020", "2020 %", "0000", "1/2/2020",
                                   "31/12/68", "01/01/69", "29/02/00", "10:30", "24:00", "1:30",
                                   "10h30", "23:59:59", "99", "00"])),
        min_size=1, max_size=10,
    ),
)  # fmt: skip
def test_a_strptime_format_is_re_spelled_only_where_strptime_reads_the_same(form, kind, cells):
    respell = respelling(FieldSpec(name="d", type=kind, format=form))
    if respell is None:
        return  # (a directive not read here, or a time in a date: left to the reader)
    read_back = dt.time.fromisoformat if kind == "time" else dt.datetime.fromisoformat
    text, sure = respell(pa.array(cells, pa.string()))
    sure = [True] * len(cells) if sure is True else sure.to_pylist()
    for cell, ours, ok in zip(cells, text.to_pylist(), sure, strict=True):
        if not ok:
            continue
        try:
            expected = dt.datetime.strptime(cell, form)
        except ValueError:
            expected = None
        if kind == "time" and expected is not None:
            expected = expected.time()  # (frictionless's time reader keeps only that)
        try:
            got = read_back(ours)
        except ValueError:
            got = None  # an impossible day: the ISO checks then refuse it too
        if got is not None:
            assert got == expected, (form, cell, ours)


def test_formats_with_other_directives_are_left_to_the_reader():
    for form in ("%B %Y", "%d/%m/%Y %I:%M %p", "%Y-%m-%d %H:%M:%S.%f", "%Y%Y"):
        assert respelling(FieldSpec(name="d", type="datetime", format=form)) is None, form
    assert respelling(FieldSpec(name="d", type="date", format="%d/%m/%Y %H:%M")) is None
    assert respelling(FieldSpec(name="d", type="date", format="%d/%m")) is None  # (no year)
    assert respelling(FieldSpec(name="d", type="date", format="%y %Y")) is None
    assert respelling(FieldSpec(name="t", type="time", format="%d %H:%M")) is None


def test_two_digit_years_fall_in_the_century_strptime_gives_them():
    respell = respelling(FieldSpec(name="d", type="date", format="%d/%m/%y"))
    text, sure = respell(pa.array(["31/12/68", "01/01/69", "15/06/00", "1/1/20"]))
    assert text.to_pylist()[:3] == ["2068-12-31", "1969-01-01", "2000-06-15"]
    assert sure.to_pylist() == [True, True, True, False]
