"""load, load_arrow and catalog: every field typed as its schema says, from Parquet or CSV."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pyarrow as pa
import pytest
from researchkit import make

import ddet_data
from ddet_data.errors import PackageNotFound
from ddet_data.loading import DATAPACKAGES, pandas_dtype

EXPECTED_DTYPES = {
    "issue_number": "Int64",
    "published_on": "datetime64[ns]",
    "sent_at": "datetime64[ns]",
    "year": "Int64",
    "reading_minutes": "Float64",
    "has_interview": "boolean",
    "title": "string",
    "subscribers": "Int64",
}


@pytest.fixture
def packages(tmp_path):
    make(tmp_path / "ddet-newsletter")
    return tmp_path


def test_load_types_every_field_from_the_schema(packages):
    frame = ddet_data.load("ddet-newsletter", "issues", packages)
    assert list(frame.columns) == [*EXPECTED_DTYPES][:6] + ["kind", "title", "subscribers"]
    for name, dtype in EXPECTED_DTYPES.items():
        assert str(frame[name].dtype) == dtype, name
    assert isinstance(frame["kind"].dtype, pd.CategoricalDtype)
    assert list(frame["kind"].cat.categories) == ["regular", "special"]


def test_load_keeps_values_and_missing_values(packages):
    frame = ddet_data.load("ddet-newsletter", "issues", packages).set_index("issue_number")
    assert frame.loc[1, "title"] == 'Premier numéro, "le"'
    assert frame.loc[1, "published_on"] == pd.Timestamp("2024-01-08")
    assert frame.loc[1, "sent_at"] == pd.Timestamp("2024-01-08 08:30")
    assert frame.loc[1, "reading_minutes"] == 7.5
    assert frame.loc[1, "has_interview"] is True or bool(frame.loc[1, "has_interview"])
    assert frame.loc[2, "has_interview"] == False  # noqa: E712 (a pandas boolean)
    assert frame.loc[2, "kind"] == "special"
    assert pd.isna(frame.loc[2, "subscribers"]) and pd.isna(frame.loc[3, "sent_at"])
    assert pd.isna(frame.loc[3, "has_interview"])


def test_csv_alone_gives_the_same_frame_as_parquet(packages):
    from_parquet = ddet_data.load("ddet-newsletter", "issues", packages)
    for parquet in packages.glob("ddet-newsletter/data/*.parquet"):
        parquet.unlink()
    from_csv = ddet_data.load("ddet-newsletter", "issues", packages)
    pd.testing.assert_frame_equal(from_parquet, from_csv)


def test_load_arrow_has_the_schema_types(packages):
    table = ddet_data.load_arrow("ddet-newsletter", "issues", packages / "ddet-newsletter")
    types = {f.name: f.type for f in table.schema}
    assert types["issue_number"] == pa.int64()
    assert types["published_on"] == pa.date32()
    assert types["has_interview"] == pa.bool_()
    assert types["reading_minutes"] == pa.float64()
    assert table.column("published_on").to_pylist()[0] == dt.date(2024, 1, 8)
    assert not table.schema.field("issue_number").nullable


def test_unknown_table_and_package_suggest_a_name(packages):
    with pytest.raises(PackageNotFound, match=r"no table 'issue' \(did you mean 'issues'\?\)"):
        ddet_data.load("ddet-newsletter", "issue", packages)
    with pytest.raises(PackageNotFound, match=r"did you mean 'ddet-newsletter'"):
        ddet_data.load("ddet-newsleter", "issues", packages)


def test_a_csv_that_breaks_its_schema_is_an_error_not_a_guess(packages):
    folder = packages / "ddet-newsletter"
    for parquet in folder.glob("data/*.parquet"):
        parquet.unlink()
    path = folder / "data" / "issues.csv"
    path.write_text(path.read_text().replace("2024-01-08", "le 8 janvier"), encoding="utf-8")
    with pytest.raises(PackageNotFound, match="cannot read as its schema says"):
        ddet_data.load("ddet-newsletter", "issues", packages)


def test_catalog_lists_every_table_with_its_description(packages):
    make(packages / "opsn", name="opsn", tables={"themes": [{"theme_id": "a", "label": "A"}]})
    frame = ddet_data.catalog(packages)
    assert list(zip(frame["package"], frame["table"], strict=True)) == [
        ("ddet-newsletter", "themes"),
        ("ddet-newsletter", "issues"),
        ("ddet-newsletter", "item_themes"),
        ("opsn", "themes"),
    ]
    assert frame.loc[1, "description"] == "Table numéros d'essai."
    assert list(frame["rows"]) == [2, 3, 3, 1]


def test_enum_of_integers_becomes_integer_categories():
    dtype = pandas_dtype({"type": "integer", "constraints": {"enum": ["1", "2"]}})
    assert list(dtype.categories) == [1, 2]


def committed_tables():
    if not DATAPACKAGES.is_dir():
        return []
    found = []
    for descriptor in sorted(DATAPACKAGES.glob("*/datapackage.json")):
        package = json.loads(descriptor.read_text(encoding="utf-8"))
        for resource in package["resources"]:
            if resource.get("type") == "table":
                found.append((package["name"], resource["name"]))
    return found


@pytest.mark.parametrize(("package", "table"), committed_tables())
def test_committed_tables_load_with_their_schema_types(package, table):
    ref_schema = json.loads(
        (DATAPACKAGES / package / "schemas" / f"{table}.json").read_text(encoding="utf-8")
    )
    frame = ddet_data.load(package, table)
    assert list(frame.columns) == [f["name"] for f in ref_schema["fields"]]
    for field in ref_schema["fields"]:
        assert frame[field["name"]].dtype == pandas_dtype(field), field["name"]


def outside_a_checkout(tmp_path, code: str):
    """Run `code` with ddet_data as installed from a wheel: no datapackages/ beside it."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    import ddet_data as module

    site = tmp_path / "site"
    shutil.copytree(Path(module.__file__).parent, site / "ddet_data")
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )


def test_outside_a_checkout_load_finds_a_downloaded_folder(tmp_path):
    import shutil

    shutil.copytree(DATAPACKAGES / "opsn", tmp_path / "opsn")
    code = (
        "import ddet_data\n"
        "print(len(ddet_data.load('opsn', 'facts')))\n"
        "print(len(ddet_data.load('opsn', 'facts', source='opsn')))\n"
    )
    run = outside_a_checkout(tmp_path, code)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["77", "77"]


def test_outside_a_checkout_load_says_in_one_line_how_to_get_the_data(tmp_path):
    code = (
        "import ddet_data\n"
        "try:\n"
        "    ddet_data.load('opsn', 'facts')\n"
        "except ddet_data.errors.PackageNotFound as exc:\n"
        "    print(exc)\n"
    )
    run = outside_a_checkout(tmp_path, code)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == (
        "no package 'opsn' in datapackages/ nor the current folder: get it with "
        "'ddet-data download opsn --dest opsn' and pass source='opsn', or pass "
        'source="datagouv"'
    )
