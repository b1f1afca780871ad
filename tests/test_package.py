"""The package writer: byte-stable output, RFC 4180 CSV, typed Parquet, hashes that match."""

import datetime as dt
import hashlib
import json

import pyarrow.parquet as pq
from frictionless import Package

from ddet_data.package.writer import PARQUET_SCHEMA_KEY, csv_bytes, write_package
from ddet_data.project import PackageSpec

SCHEMA = {
    "name": "things",
    "title": "Choses",
    "description": "Des choses.",
    "fields": [
        {"name": "thing_id", "type": "string", "constraints": {"required": True}},
        {"name": "count", "type": "integer", "constraints": {"required": False}},
        {"name": "ratio", "type": "number", "constraints": {"required": False}},
        {"name": "seen_on", "type": "date", "constraints": {"required": False}},
        {"name": "active", "type": "boolean", "constraints": {"required": True}},
        {"name": "note", "type": "string", "constraints": {"required": False}},
    ],
    "primaryKey": ["thing_id"],
}
ROWS = [
    {
        "thing_id": "b",
        "count": None,
        "ratio": 0.5,
        "seen_on": dt.date(2020, 5, 19),
        "active": True,
        "note": 'deux lignes\net une virgule, "citée"',
    },
    {
        "thing_id": "a",
        "count": 3,
        "ratio": None,
        "seen_on": None,
        "active": False,
        "note": "l’apostrophe",
    },
]
SPEC = PackageSpec(
    name="demo",
    title="Démo",
    description="Un paquet.",
    keywords=["x"],
    created="2026-11-29T00:00:00Z",
    tables=["things"],
    sources=[{"title": "Une source"}],
)


def build(folder):
    return write_package(folder, SPEC, {"things": ROWS}, {"things": SCHEMA})


def test_two_builds_are_byte_identical(tmp_path):
    build(tmp_path / "one")
    build(tmp_path / "two")
    files = sorted(
        p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file()
    )
    assert [str(f) for f in files] == [
        "data/things.csv",
        "data/things.parquet",
        "datapackage.json",
        "schemas/things.json",
    ]
    for name in files:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_csv_is_sorted_lf_quoted_utf8_without_bom():
    data = csv_bytes(sorted(ROWS, key=lambda r: r["thing_id"]), SCHEMA)
    assert not data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8")
    assert "\r" not in text
    assert text.splitlines()[0] == "thing_id,count,ratio,seen_on,active,note"
    assert text.splitlines()[1] == "a,3,,,false,l’apostrophe"
    assert '"deux lignes\net une virgule, ""citée"""' in text


def test_rows_sorted_by_primary_key_and_hashes_recorded(tmp_path):
    descriptor = build(tmp_path)
    csv_resource, parquet_resource = descriptor["resources"]
    assert (tmp_path / "data/things.csv").read_text().splitlines()[1].startswith("a,")
    for resource in descriptor["resources"]:
        data = (tmp_path / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert resource["sha1"] == hashlib.sha1(data).hexdigest()
    assert parquet_resource["type"] == "file" and parquet_resource["table"] == "things"


def test_parquet_types_nullability_and_embedded_schema(tmp_path):
    build(tmp_path)
    table = pq.read_table(tmp_path / "data/things.parquet")
    types = {field.name: (str(field.type), field.nullable) for field in table.schema}
    assert types == {
        "thing_id": ("string", False),
        "count": ("int64", True),
        "ratio": ("double", True),
        "seen_on": ("date32[day]", True),
        "active": ("bool", False),
        "note": ("string", True),
    }
    assert table.column("thing_id").to_pylist() == ["a", "b"]
    embedded = json.loads(table.schema.metadata[PARQUET_SCHEMA_KEY])
    assert embedded["primaryKey"] == ["thing_id"]


def test_stock_frictionless_accepts_the_package(tmp_path):
    build(tmp_path)
    report = Package(str(tmp_path / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_stock_frictionless_catches_a_tampered_parquet(tmp_path):
    build(tmp_path)
    with open(tmp_path / "data/things.parquet", "ab") as handle:
        handle.write(b"x")
    report = Package(str(tmp_path / "datapackage.json")).validate()
    assert not report.valid
    assert {error.type for error in report.tasks[1].errors} >= {"byte-count"}
