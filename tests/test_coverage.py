"""Temporal coverage: dates read at their precision, never completed with an invented day."""

from __future__ import annotations

import pytest
from researchkit import field, make, schema

from ddet_data.errors import PackageNotFound
from ddet_data.package.coverage import date_span, temporal_coverage
from ddet_data.package.reader import PackageFolder


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("2023", ("2023-01-01", "2023-12-31")),
        ("2024-02", ("2024-02-01", "2024-02-29")),
        ("2023-02", ("2023-02-01", "2023-02-28")),
        ("2023-05-17", ("2023-05-17", "2023-05-17")),
        ("2023-05-17T08:30:00Z", ("2023-05-17", "2023-05-17")),
        ("undated", None),
        ("2023-13", None),
    ],
)
def test_a_date_covers_what_its_precision_says(text, span):
    got = date_span(text)
    assert (got and tuple(d.isoformat() for d in got)) == span or got is span


def test_coverage_spans_the_named_dates(tmp_path):
    folder = PackageFolder(make(tmp_path / "p"))
    assert temporal_coverage(folder, ("issues.published_on",)) == {
        "start": "2024-01-08",
        "end": "2024-01-22",
    }
    with pytest.raises(PackageNotFound, match="issues.nope: no such column"):
        temporal_coverage(folder, ("issues.nope",))
    with pytest.raises(PackageNotFound, match="no table 'nope'"):
        temporal_coverage(folder, ("nope.day",))


def test_a_range_with_precision_runs_from_its_first_to_its_last_year(tmp_path):
    fields = [
        field(name, "string", "Champ d'essai.", "x", required=name == "fact_id")
        for name in ("fact_id", "as_of", "as_of_end", "as_of_precision")
    ]
    tables = {
        "facts": [
            {"fact_id": "F1", "as_of": "2019", "as_of_end": "2020", "as_of_precision": "range"},
            {"fact_id": "F2", "as_of": "2021-03", "as_of_end": "", "as_of_precision": "month"},
            {"fact_id": "F3", "as_of": "", "as_of_end": "", "as_of_precision": "unknown"},
        ]
    }
    folder = PackageFolder(
        make(
            tmp_path / "p",
            tables=tables,
            schemas={"facts": schema("facts", "Faits", fields, ["fact_id"])},
        )
    )
    assert temporal_coverage(folder) == {"start": "2019-01-01", "end": "2021-03-31"}
