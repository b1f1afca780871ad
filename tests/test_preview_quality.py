"""data.gouv.fr's quality criteria, computed as udata computes them."""

from __future__ import annotations

import datetime as dt

import pytest

from ddet_data.datagouv.quality import (
    FREQUENCY_MISSING,
    compute_quality,
    french_date,
    temporal_text,
)

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
FULL = {
    "description": "x" * 101,
    "license": "lov2",
    "frequency": "weekly",
    "temporal_coverage": {"start": "2024-01-08", "end": "2024-01-15"},
    "spatial": {"zones": ["country:fr"], "granularity": "country"},
}
CSV = {
    "title": "t",
    "format": "csv",
    "type": "main",
    "description": "Une table.",
    "filetype": "file",
}


def flags(dataset, resources=(CSV,), **kwargs):
    return compute_quality(dataset, list(resources), now=NOW, **kwargs).flags


def test_a_complete_dataset_meets_every_criterion():
    doc = {**CSV, "format": "pdf", "type": "documentation"}
    quality = compute_quality(FULL, [CSV, doc], now=NOW)
    assert quality.score == 1.0
    assert all(c.met for c in quality.criteria) and len(quality.criteria) == 8
    assert quality.flags == {
        "dataset_description_quality": True,
        "license": True,
        "temporal_coverage": True,
        "spatial": True,
        "update_frequency": True,
        "update_fulfilled_in_time": True,
        "has_resources": True,
        "has_open_format": True,
        "all_resources_available": True,
        "resources_documentation": True,
    }


def test_the_description_must_be_longer_than_100_characters():
    assert flags({**FULL, "description": "x" * 100})["dataset_description_quality"] is False
    assert flags({**FULL, "description": "x" * 101})["dataset_description_quality"] is True


@pytest.mark.parametrize(
    "licence, met", [("lov2", True), ("notspecified", True), ("nope", False), (None, False)]
)
def test_any_licence_the_platform_knows_counts(licence, met):
    assert flags({**FULL, "license": licence})["license"] is met


def test_spatial_counts_even_without_zones_and_temporal_without_end():
    assert flags({**FULL, "spatial": {"granularity": "other"}})["spatial"] is True
    assert flags({**FULL, "spatial": None})["spatial"] is False
    assert flags({**FULL, "temporal_coverage": {"start": "2020-01-01"}})["temporal_coverage"]
    assert flags({**FULL, "temporal_coverage": None})["temporal_coverage"] is False


def test_an_unknown_frequency_is_not_set_and_has_no_timeliness():
    quality = compute_quality({**FULL, "frequency": "unknown"}, [CSV], now=NOW)
    assert quality.flags["update_frequency"] is False
    assert "update_fulfilled_in_time" not in quality.flags
    (criterion,) = [c for c in quality.criteria if c.key == "update_fulfilled_in_time"]
    assert (criterion.met, criterion.label) == (False, FREQUENCY_MISSING)
    assert quality.score == pytest.approx(7 / 9)


def test_timeliness_allows_one_day_after_the_expected_update():
    weekly = {**FULL, "frequency": "weekly"}
    on_time = NOW - dt.timedelta(days=7, hours=23)
    late = NOW - dt.timedelta(days=8, minutes=15)
    assert flags(weekly, last_update=on_time)["update_fulfilled_in_time"] is True
    assert flags(weekly, last_update=late)["update_fulfilled_in_time"] is False
    # Frequencies without a delay are always on time; legacy ids are mapped.
    irregular = {**FULL, "frequency": "irregular"}
    assert flags(irregular, last_update=NOW - dt.timedelta(days=900))["update_fulfilled_in_time"]
    legacy = {**FULL, "frequency": "fourTimesADay"}
    assert (
        flags(legacy, last_update=NOW - dt.timedelta(days=3))["update_fulfilled_in_time"] is False
    )
    # The API's {id, label} object and an ISO date-time with Z are read as such.
    api = {**FULL, "frequency": {"id": "daily", "label": "Quotidienne"}}
    assert flags(api, last_update="2026-12-01T10:00:00Z")["update_fulfilled_in_time"] is True


def test_before_publishing_the_files_count_as_updated_now():
    quality = compute_quality(FULL, [CSV], now=NOW)
    (criterion,) = [c for c in quality.criteria if c.key == "update_fulfilled_in_time"]
    assert criterion.met and "à la publication" in criterion.reason
    assert "9 décembre 2026" in criterion.reason


def test_without_resources_the_resource_criteria_are_absent_and_shown_failed():
    quality = compute_quality(FULL, [], now=NOW)
    for key in (
        "has_resources",
        "has_open_format",
        "all_resources_available",
        "resources_documentation",
    ):
        assert key not in quality.flags
    failed = {c.key for c in quality.failed}
    assert failed == {"has_open_format", "all_resources_available", "resources_documentation"}
    assert quality.score == pytest.approx(6 / 9)


def test_closed_or_missing_formats_are_not_open():
    assert (
        flags(FULL, [{**CSV, "format": "PDF"}, {**CSV, "format": "xlsx"}])["has_open_format"]
        is False
    )
    assert flags(FULL, [{**CSV, "format": ""}])["has_open_format"] is False
    assert flags(FULL, [{**CSV, "format": "pdf"}, {**CSV, "format": "csv.gz"}])["has_open_format"]


def test_documentation_is_a_documentation_file_or_any_described_resource():
    bare = {**CSV, "description": ""}
    assert flags(FULL, [bare])["resources_documentation"] is False
    assert flags(FULL, [bare, CSV])["resources_documentation"]
    assert flags(FULL, [bare, {**bare, "type": "documentation"}])["resources_documentation"]


def test_only_remote_files_the_robot_found_down_are_unavailable():
    down = {**CSV, "filetype": "remote", "extras": {"check:available": False}}
    unknown = {**CSV, "filetype": "remote", "extras": {}}
    assert flags(FULL, [CSV, unknown])["all_resources_available"] is True
    quality = compute_quality(FULL, [CSV, down], now=NOW)
    assert quality.flags["all_resources_available"] is False
    assert [c.label for c in quality.failed] == ["Certains fichiers ne sont pas disponibles"]


@pytest.mark.parametrize(
    "start, end, text",
    [
        ("2020-01-01", "2020-12-31", "2020"),
        ("2020-01-01", "2021-12-31", "2020 et 2021"),
        ("2018-01-01", "2023-12-31", "2018 à 2023"),
        ("2020-01-01", None, "depuis 2020"),
        ("2023-03-01", "2023-06-30", "mars à juin 2023"),
        ("2022-01-01", "2023-03-31", "janvier 2022 à mars 2023"),
        ("2023-03-01", "2023-04-30", "mars et avril 2023"),
        ("2023-03-01", "2023-03-31", "mars 2023"),
        ("2023-03-15", "2023-06-20", "du 15 mars au 20 juin 2023"),
        ("2022-03-15", "2023-06-20", "du 15 mars 2022 au 20 juin 2023"),
        ("2023-03-15", "2023-03-15", "le 15 mars 2023"),
        ("2023-03-15", None, "depuis le 15 mars 2023"),
    ],
)
def test_date_ranges_read_as_on_data_gouv_fr(start, end, text):
    assert temporal_text({"start": start, "end": end}) == text


def test_dates_have_no_ordinal():
    assert french_date(dt.date(2024, 3, 1)) == "1 mars 2024"
