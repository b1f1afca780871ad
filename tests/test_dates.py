"""Mixed-precision dates: each as_of form, and the law that text parses or says why not."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ddet_data.errors import DateTextError
from ddet_data.text.dates import AsOf, given_date, parse_as_of, parse_partial_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020", ("2020", None, "year", False)),
        ("2020-05", ("2020-05", None, "month", False)),
        ("2020-05-19", ("2020-05-19", None, "day", False)),
        ("c. 2022", ("2022", None, "year", True)),
        ("2019-2020", ("2019", "2020", "range", False)),
        ("c. 2019-2020 (page undated)", ("2019", "2020", "range", True)),
        ("undated", (None, None, "unknown", False)),
        ("undated (after 2020)", (None, None, "unknown", False)),
    ],
)
def test_as_of_forms(text, expected):
    parsed = parse_as_of(text)
    assert parsed.text == text
    assert (parsed.date, parsed.end, parsed.precision, parsed.approximate) == expected


@pytest.mark.parametrize(
    "text",
    ["2020-13", "2020-02-30", "2020-5", "20200", "2021-2019", "2020-2020", "statuts", "0999", ""],
)
def test_unreadable_as_of(text):
    with pytest.raises(DateTextError):
        parse_as_of(text)


def test_given_date_keeps_the_text():
    assert given_date("2016 statuts", "2016") == AsOf("2016 statuts", "2016", None, "year", False)
    assert given_date("statuts", None).precision == "unknown"
    with pytest.raises(DateTextError):
        given_date("statuts", "2016-00")


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_every_real_day_month_and_year_parses(day):
    assert parse_partial_date(day.isoformat()) == (day.isoformat(), "day")
    assert parse_partial_date(day.isoformat()[:7]) == (day.isoformat()[:7], "month")
    assert parse_partial_date(day.isoformat()[:4]) == (day.isoformat()[:4], "year")


@given(st.text(max_size=40))
def test_any_text_parses_or_raises_date_text_error(text):
    try:
        parsed = parse_as_of(text)
    except DateTextError:
        return
    assert parsed.precision in ("day", "month", "year", "range", "unknown")
    if parsed.date is not None:
        assert parse_partial_date(parsed.date)[0] == parsed.date


def test_only_ascii_digits_make_a_date():
    with pytest.raises(DateTextError):
        parse_as_of("٢٠٢٠")
