"""The fast engine against frictionless-py, finding by finding.

Three sources of cases: small hand-written files in tests/fast_cases (the situations
frictionless's own data/ fixtures cover: labels, ragged rows, blank rows, keys,
quoting, dialects, odd numbers and dates, formats), generated tables with every kind
of error injected, and hypothesis-made schemas and rows.
"""

from __future__ import annotations

import codecs
import copy
import csv
import datetime as dt
import io
import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from frictionless import Package
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddet_data.errors import Unsupported
from ddet_data.validate import validate_paths
from ddet_data.validate.fast import engine as fast_engine
from ddet_data.validate.fast.engine import validate_resource_fast
from ddet_data.validate.fast.source import BATCH_BYTES, open_parquet_source

CASES = Path(__file__).parent / "fast_cases"
SCHEMAS = json.loads((CASES / "cases.json").read_text(encoding="utf-8"))


def frictionless_task(package: dict, name: str, basepath: Path, limit_errors: int) -> dict:
    framed = Package.from_descriptor(copy.deepcopy(package), basepath=str(basepath))
    return framed.get_resource(name).validate(limit_errors=limit_errors).to_dict()["tasks"][0]


def assert_same(package: dict, name: str, basepath: Path, limit_errors: int = 1000) -> dict:
    resource = next(r for r in package["resources"] if r["name"] == name)
    fast = validate_resource_fast(copy.deepcopy(resource), basepath, package, limit_errors)
    slow = frictionless_task(package, name, basepath, limit_errors)
    short = [(e["type"], e.get("rowNumber"), e.get("fieldName"), e["note"]) for e in fast["errors"]]
    expected = [
        (e["type"], e.get("rowNumber"), e.get("fieldName"), e["note"]) for e in slow["errors"]
    ]
    assert short == expected
    assert fast["errors"] == slow["errors"]  # every key, cells and messages included
    for key in ("valid", "labels", "warnings"):
        assert fast[key] == slow[key]
    for key in ("errors", "rows", "fields"):
        assert fast["stats"].get(key) == slow["stats"].get(key), key
    if not fast["warnings"]:
        # Cut short by the error limit, frictionless hashes only the bytes it read.
        for key in ("bytes", "md5", "sha256"):
            assert fast["stats"].get(key) == slow["stats"].get(key), key
    return fast


def package_of(path: Path, schema: dict, name: str = "table") -> dict:
    return {"resources": [{"name": name, "type": "table", "path": path.name, "format": "csv",
                           "schema": schema}]}  # fmt: skip


@pytest.mark.parametrize("case", sorted(SCHEMAS))
def test_hand_written_case(case):
    path = CASES / f"{case}.csv"
    try:
        fast = assert_same(package_of(path, SCHEMAS[case], case), case, CASES)
    except Unsupported:
        pytest.skip("falls back to frictionless")
    assert not fast["valid"], "each case carries errors"


# Generated tables with every kind of error


def schema_with_keys() -> dict:
    return {
        "fields": [
            {"name": "id", "type": "integer", "constraints": {"unique": True}},
            {"name": "amount", "type": "number", "constraints": {"minimum": 0, "maximum": 100}},
            {"name": "day", "type": "date", "constraints": {"required": True}},
            {"name": "flag", "type": "boolean"},
            {"name": "status", "type": "string", "constraints": {"enum": ["a", "b"]}},
            {"name": "code", "type": "string",
             "constraints": {"pattern": "[A-Z]{2}[0-9]", "minLength": 3, "maxLength": 3}},
            {"name": "ref", "type": "integer"},
        ],
        "primaryKey": ["id"],
        "foreignKeys": [{"fields": ["ref"], "reference": {"resource": "refs", "fields": ["id"]}}],
    }  # fmt: skip


SPOILERS = [
    ("id", "1"), ("id", "x"), ("id", ""), ("amount", "-1"), ("amount", "100.0001"),
    ("amount", "1,5"), ("amount", "100"), ("day", ""), ("day", "2021-02-30"), ("day", "2021-2-3"),
    ("flag", "yes"), ("flag", "1"), ("status", "c"), ("status", ""), ("code", "ab1"),
    ("code", "AB12"), ("code", "É1"), ("ref", "999"), ("ref", ""), ("ref", " 3"),
]  # fmt: skip


def write_generated(folder: Path, rows: int, seed: int) -> dict:
    rng = random.Random(seed)
    names = [field["name"] for field in schema_with_keys()["fields"]]
    table = []
    for number in range(1, rows + 1):
        row = {"id": str(number), "amount": f"{rng.uniform(0, 100):.2f}",
               "day": f"2020-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
               "flag": rng.choice(["true", "false"]), "status": rng.choice(["a", "b"]),
               "code": rng.choice("ABC") + rng.choice("XYZ") + str(rng.randint(0, 9)),
               "ref": str(rng.randint(1, 5))}  # fmt: skip
        cells = [row[name] for name in names]
        if rng.random() < 0.15:
            name, value = rng.choice(SPOILERS)
            cells[names.index(name)] = value
        if rng.random() < 0.02:
            cells = cells[: rng.randint(0, len(cells) - 1)]
        elif rng.random() < 0.02:
            cells = cells + ["extra"]
        elif rng.random() < 0.01:
            cells = [""] * len(cells)
        table.append(cells)
    with open(folder / "data.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(names)
        writer.writerows(table)
    (folder / "refs.csv").write_text("id\n1\n2\n3\n4\n5\n", encoding="utf-8")
    return {"resources": [
        {"name": "data", "type": "table", "path": "data.csv", "format": "csv",
         "schema": schema_with_keys()},
        {"name": "refs", "type": "table", "path": "refs.csv", "format": "csv",
         "schema": {"fields": [{"name": "id", "type": "integer"}]}},
    ]}  # fmt: skip


@pytest.mark.parametrize("seed", range(6))
def test_generated_tables_with_every_error(tmp_path, seed):
    package = write_generated(tmp_path, rows=300 + 200 * seed, seed=seed)
    fast = assert_same(package, "data", tmp_path, limit_errors=100_000)
    kinds = {error["type"] for error in fast["errors"]}
    assert {"type-error", "constraint-error", "unique-error", "primary-key"} <= kinds


@pytest.mark.parametrize("limit", [1, 7, 50])
def test_error_limit_truncates_as_frictionless(tmp_path, limit):
    package = write_generated(tmp_path, rows=400, seed=11)
    fast = assert_same(package, "data", tmp_path, limit_errors=limit)
    assert fast["stats"]["errors"] == limit
    assert fast["warnings"] == [f"reached error limit: {limit}"]


def write_repeating_keys(folder: Path, rows: int, kind: str, every: int) -> dict:
    """A table whose key repeats an earlier row's every `every` rows, over many batches:
    a text key, integers out of order, or a primary key of two fields."""
    rnd = random.Random(rows + every)
    order = list(range(rows))
    if kind == "shuffled":
        rnd.shuffle(order)
    lines = ["cle,rang,texte"]
    for row in range(rows):
        key = order[rnd.randrange(row)] if row and row % every == 0 else order[row]
        cle = f"C-{key:07d}" if kind == "text" else str(key)
        rang = str(key % 3) if kind == "composite" else str(row)
        lines.append(f"{cle},{rang},{'é' * (row % 40)}")
    (folder / "data.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    fields = [{"name": "cle", "type": "integer" if kind == "shuffled" else "string"},
              {"name": "rang", "type": "integer"}, {"name": "texte", "type": "string"}]  # fmt: skip
    if kind == "composite":
        schema = {"fields": fields, "primaryKey": ["cle", "rang"]}
    else:
        fields[0]["constraints"] = {"unique": True}
        schema = {"fields": fields, "primaryKey": ["cle"]}
    return {"resources": [{"name": "data", "path": "data.csv", "schema": schema}]}


@pytest.mark.parametrize("kind", ["text", "shuffled", "composite"])
def test_repeated_keys_across_batches_and_a_file_stopped_by_them(tmp_path, kind, monkeypatch):
    # 100,000 rows in some ten batches; a repeat every 40 rows gives the 1,000 errors of
    # the limit before the end: the engine, which counts repeats as the keys double
    # (from 65,536 here, not a million), stops reading there, and reports what
    # frictionless reports.
    monkeypatch.setattr(fast_engine, "_FIRST_REPEAT_COUNT", 1 << 16)
    package = write_repeating_keys(tmp_path, 100_000, kind, every=40)
    assert (tmp_path / "data.csv").stat().st_size > 4 * BATCH_BYTES
    fast = assert_same(package, "data", tmp_path, limit_errors=1000)
    assert fast["warnings"] == ["reached error limit: 1000"]
    assert {error["type"] for error in fast["errors"]} >= {"primary-key"}
    read = []
    validate_resource_fast(package["resources"][0], tmp_path, package, 1000, read.append)
    assert read[-1] < 100_000


@pytest.mark.parametrize("kind", ["text", "shuffled"])
def test_repeated_keys_without_a_limit_are_all_found(tmp_path, kind):
    package = write_repeating_keys(tmp_path, 30_000, kind, every=97)
    assert (tmp_path / "data.csv").stat().st_size > BATCH_BYTES
    fast = assert_same(package, "data", tmp_path, limit_errors=100_000)
    assert sum(error["type"] == "unique-error" for error in fast["errors"]) > 250


@pytest.mark.parametrize("ragged", [False, True])
def test_a_record_longer_than_a_block_is_read_by_the_engine(tmp_path, ragged):
    # pyarrow cannot split a record longer than its block ("straddling object"), and
    # Python's csv stops at 131,072 characters a cell unless told otherwise.
    long_cell = "x" * (4 * BATCH_BYTES)  # (a block holds at most twice BATCH_BYTES)
    lines = ["k,t"] + [f"{i},v{i}" for i in range(2000)] + [f"5,{long_cell}", f"6,{long_cell}"]
    lines += [f"{i},w{i}" for i in range(2000, 30000)] + ["7,v3"]
    if ragged:
        lines.append("8")  # a missing cell: the file is read with Python's csv
    (tmp_path / "data.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    schema = {"fields": [{"name": "k", "type": "integer", "constraints": {"unique": True}},
                         {"name": "t", "type": "string", "constraints": {"unique": True}}]}
    package = {"resources": [{"name": "data", "path": "data.csv", "schema": schema}]}
    fast = assert_same(package, "data", tmp_path)
    assert {"unique-error"} <= {error["type"] for error in fast["errors"]}


@pytest.mark.parametrize(
    ("kind", "cells"),
    [
        ("datetime", ["2020-01-01T00:00:00Z", "2020-01-01T01:00:00+01:00", "2020-01-01T00:00:00",
                      "2020-01-01T00:00:00", "2020-01-01T00:00:00Z", "2019-12-31T23:00:00-01:00"]),
        ("time", ["00:00:00Z", "01:00:00+01:00", "00:00:00", "00:00:00", "23:30:00Z",
                  "00:30:00+01:00"]),
    ],
)
def test_aware_datetimes_repeat_as_their_instants_do(tmp_path, kind, cells):
    # frictionless's keys are Python values: an aware one equals another at the same
    # instant in UTC, and never equals a naive one (found by review).
    lines = ["quand,n"] + [f"{cell},{row}" for row, cell in enumerate(cells)]
    (tmp_path / "data.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    fields = [{"name": "quand", "type": kind, "constraints": {"unique": True}},
              {"name": "n", "type": "integer"}]  # fmt: skip
    for schema in ({"fields": fields}, {"fields": fields, "primaryKey": ["quand"]}):
        package = {"resources": [{"name": "data", "path": "data.csv", "schema": schema}]}
        fast = assert_same(package, "data", tmp_path)
        assert fast["errors"]


@pytest.mark.parametrize("order", ["ascending", "shuffled"])
def test_datetime_keys_over_many_batches(tmp_path, order):
    # A time series keyed by its timestamp: counted as integers (microseconds), read
    # from the text at once; fractions, a final Z and offsets, repeated here and there.
    rnd = random.Random(5)
    start = dt.datetime(2020, 1, 1)
    stamps = [start + dt.timedelta(milliseconds=250 * row) for row in range(60_000)]
    cells = []
    for row, stamp in enumerate(stamps):
        text = stamp.isoformat(timespec="seconds")
        if stamp.microsecond:  # ".25", ".5", ".75": four stamps a second
            text += "." + f"{stamp.microsecond:06d}".rstrip("0")
        if row % 7 == 2:
            text += "Z"
        if row % 11 == 3:
            text = (stamp + dt.timedelta(hours=2)).isoformat() + "+02:00"  # = the Z one
        if row and row % 97 == 0:
            text = cells[rnd.randrange(len(cells))]  # a repeat
        elif row % 13 == 5 and "+" not in cells[-1]:  # the same wall time, naive or in UTC:
            text = cells[-1][:-1] if cells[-1].endswith("Z") else cells[-1] + "Z"  # no repeat
        cells.append(text)
    if order == "shuffled":
        rnd.shuffle(cells)
    lines = ["horodatage,mesure"] + [f"{cell},{row}" for row, cell in enumerate(cells)]
    (tmp_path / "data.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    schema = {"fields": [{"name": "horodatage", "type": "datetime"},
                         {"name": "mesure", "type": "integer"}], "primaryKey": ["horodatage"]}
    package = {"resources": [{"name": "data", "path": "data.csv", "schema": schema}]}
    fast = assert_same(package, "data", tmp_path, limit_errors=100_000)
    assert sum(error["type"] == "primary-key" for error in fast["errors"]) > 500


# Hypothesis: schemas and rows made up together

FIELD_TYPES = {
    "integer": st.sampled_from(
        ["1", "-2", "03", "1.0", " 4", "x", "", "99999", "+5", "0x1F", "0X1f", "1_0",
         "12345678901234567890"]  # fmt: skip
    ),
    "number": st.sampled_from(["1.5", "-0.25", "1e3", "nan", "", "abc", "10", "1,5", "0",
                               "10.0", "-0", "1.0000000000000001", "1000"]),  # fmt: skip
    "string": st.sampled_from(["a", "bb", "", "ccc", "Éé", "a\nb", "AB-12"]),
    "boolean": st.sampled_from(["true", "false", "True", "0", "yes", ""]),
    "date": st.sampled_from(["2020-01-01", "2020-02-30", "2020-1-1", "", "0000-01-01"]),
    "year": st.sampled_from(["2020", "20", "", "0999", "x", "+202", "٢٠٢٠", "20201"]),
}


@st.composite
def table_cases(draw):
    types = draw(st.lists(st.sampled_from(sorted(FIELD_TYPES)), min_size=1, max_size=4))
    fields = []
    for position, kind in enumerate(types):
        field = {"name": f"f{position}", "type": kind}
        constraints = {}
        if draw(st.booleans()):
            constraints["required"] = True
        if draw(st.integers(0, 4)) == 0:
            constraints["unique"] = True
        if kind in ("integer", "number") and draw(st.booleans()):
            constraints["minimum"] = 0
        if kind == "string" and draw(st.booleans()):
            constraints["maxLength"] = 2
        if kind == "string" and draw(st.booleans()):
            constraints["pattern"] = "[a-c]+"
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    schema = {"fields": fields}
    if draw(st.booleans()):
        schema["primaryKey"] = [fields[0]["name"]]
    # Rows left out of the data (comments, blank rows), which keep their numbers
    dialect = {}
    if draw(st.integers(0, 3)) == 0:
        dialect["commentChar"] = "#"
    if draw(st.integers(0, 3)) == 0:
        dialect["commentRows"] = draw(st.lists(st.integers(2, 14), max_size=3))
    if draw(st.integers(0, 3)) == 0:
        dialect["skipBlankRows"] = True
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        width = len(fields) + draw(st.sampled_from([0, 0, 0, 0, -1, 1]))
        rows.append([draw(FIELD_TYPES[types[i % len(types)]]) for i in range(max(width, 0))])
        if draw(st.integers(0, 6)) == 0:
            left_out = [["# note"], ["#"] * len(fields), [""] * len(fields)]
            rows.append(draw(st.sampled_from(left_out)))
    labels = [field["name"] for field in fields]
    if draw(st.integers(0, 5)) == 0:
        labels[0] = labels[0].upper()
    return schema, labels, rows, dialect


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=table_cases())
def test_engines_agree_on_made_up_tables(tmp_path, case):
    schema, labels, rows, dialect = case
    path = tmp_path / "made.csv"
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(labels)
        writer.writerows(rows)
    package = package_of(path, schema, "made")
    if dialect:
        package["resources"][0]["dialect"] = dialect
    try:
        assert_same(package, "made", tmp_path)
    except Unsupported:
        pass  # frictionless takes over; the report says so


# Hypothesis: fields written another way (a decimal comma, a strptime format, an offset),
# and the types beyond the plain ones (yearmonth, geopoint)

SPELLED_FIELDS = [
    ({"type": "number", "decimalChar": ","},
     ["1,5", "-0,25", "1.5", "10", "1,5e3", "", " 2,5", "1,", ",5", "1,5,5", "nan", "0,0"]),
    ({"type": "number", "decimalChar": ",", "groupChar": " "},
     ["1 234,5", "1234,5", "1 2 3", "1.234,5", "12", " 1,5", "1,5 ", "1\u00a0234,5", ""]),
    ({"type": "number", "decimalChar": ",", "groupChar": "."},
     ["1.234,5", "1.234.567", "1234,5", "1,2,3", ".5", "12"]),
    ({"type": "number", "groupChar": "\u202f"}, ["1\u202f234.5", "1234", "1\u202f", "1,5"]),
    ({"type": "integer", "bareNumber": False},
     ["12 %", "€12", "-12", "- 12", "12", "1a2", "-", "%", "٣12 %", "12\n", "+12", "12٣",
      "0x1F", "1_0 €", "", " 7 "]),
    ({"type": "number", "bareNumber": False, "decimalChar": ",", "groupChar": " "},
     ["12,5 %", "€ 1 234,50", "-1,5€", "nan", "-inf", "1,5.", "x", "£-0,5", "٣,5 €", "12"]),
    ({"type": "number", "bareNumber": False}, ["12.5%", "$1e3", "-inf", "1.5.", "12"]),
    ({"type": "date", "format": "%d/%m/%Y"},
     ["31/12/2020", "1/2/2020", "29/02/2020", "29/02/2021", "00/01/2020", "31/12/0000",
      "31-12-2020", "31/12/20", " 1/02/2020", "", "31/12/2020 ", "01/13/2020"]),
    ({"type": "date", "format": "%Y"}, ["2020", "0000", "20", "0001", "x"]),
    ({"type": "date", "format": "%m/%Y"}, ["12/2020", "13/2020", "1/2020", "02/2020"]),
    ({"type": "datetime", "format": "%d/%m/%Y %H:%M"},
     ["31/12/2020 10:30", "31/12/2020 24:00", "31/12/2020 1:30", "31/12/2020  10:30",
      "30/02/2020 10:30", "01/01/2020 00:00"]),
    ({"type": "datetime", "format": "%Y-%m-%dT%H:%M:%S"},
     ["2020-12-31T10:30:00", "2020-12-31T10:30:60", "2020-12-31t10:30:00", "2020-12-31T10:30"]),
    ({"type": "datetime"},
     ["2020-12-31T10:30:00+01:00", "2020-12-31T09:30:00Z", "2020-12-31T10:30:00+0100",
      "2020-12-31T10:30:00.5-05:00", "2020-12-31T10:30:00+24:00", "2020-12-31T10:30:00"]),
    ({"type": "datetime", "constraints": {"minimum": "2020-12-31T09:30:00Z"}},
     ["2020-12-31T10:30:00+01:00", "2020-12-31T10:29:59+01:00", "2020-12-31T09:30:00Z",
      "2020-12-31T09:30:00.000001Z", "2021-01-01T00:00:00-05:00", "2020-12-31T09:29:59.9Z"]),
    ({"type": "datetime", "constraints": {"maximum": "2020-12-31T10:00:00",
                                          "minimum": "2020-01-01T00:00:00"}},
     ["2020-12-31T10:00:00", "2020-12-31 09:59:59.999999", "2019-12-31T23:59:59",
      "2020-01-01T00:00:00", "2020-06-01T12:00:00.5", "2020-02-30T00:00:00"]),
    ({"type": "datetime", "format": "%d/%m/%Y %H:%M",
      "constraints": {"maximum": "31/12/2020 10:00"}},
     ["31/12/2020 10:00", "31/12/2020 10:01", "01/01/2020 00:00", "1/1/2020 00:00"]),
    ({"type": "time"},
     ["12:30:00", "12:30:00Z", "12:30:00+01:00", "11:30:00Z", "12:30:00.5", "24:00:00", "12:30",
      "12:30:00+24:00", "1:30:00", "12:30:00.1234567", "12:30:60", "12:30:00 "]),
    ({"type": "date", "format": "%d/%m/%y"},
     ["31/12/20", "31/12/68", "01/01/69", "29/02/00", "29/02/01", "1/2/20", "31/12/2020", ""]),
    ({"type": "time", "format": "%H:%M"},
     ["10:30", "24:00", "1:30", "10:60", "00:00", "23:59", "10:30:00", " 10:30", ""]),
    ({"type": "time", "format": "%Hh%M", "constraints": {"unique": True}},
     ["10h30", "10h30", "9h05", "23h59", "10:30"]),
    ({"type": "date", "constraints": {"enum": ["2020-01-01", "2020-02-29"]}},
     ["2020-01-01", "2020-02-29", "2020-03-01", "2020-1-1", "0000-01-01", "", "x"]),
    ({"type": "boolean", "constraints": {"enum": [False]}},
     ["false", "False", "0", "true", "1", "no", ""]),
    ({"type": "boolean", "trueValues": ["oui"], "falseValues": ["non"],
      "constraints": {"enum": [True]}}, ["oui", "non", "true", "Oui", ""]),
    ({"type": "yearmonth"}, ["2020-01", "2020-12", "2020-13", "2020-1", "0000-01", "x", ""]),
    ({"type": "geopoint"},
     ["2.35,48.85", "2.35, 48.85", "1,2", "1.0,2", "1.00, 2", "-0,0", "0,0", "180,0", "1,90",
      "179.9,89.9", "nan,0", "1,2,3", "x", "1e2,5", " 1 , 2 ", "",
      "1.00000000000000000000000000001, 2", "10,2", "1e1,2"]),
]  # fmt: skip


@st.composite
def spelled_cases(draw):
    chosen = draw(st.lists(st.sampled_from(range(len(SPELLED_FIELDS))), min_size=1, max_size=3))
    fields = []
    for position, index in enumerate(chosen):
        field = {"name": f"f{position}", **SPELLED_FIELDS[index][0]}
        constraints = dict(field.get("constraints", {}))
        if draw(st.booleans()):
            constraints["required"] = True
        if draw(st.integers(0, 3)) == 0:
            constraints["unique"] = True
        if field["type"] == "number" and draw(st.booleans()):
            constraints["minimum"] = 0
        if field.get("format") == "%d/%m/%Y" and draw(st.booleans()):
            constraints["minimum"] = "01/01/2020"
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    schema = {"fields": fields}
    if draw(st.booleans()):
        schema["primaryKey"] = [fields[0]["name"]]
    rows = [[draw(st.sampled_from(SPELLED_FIELDS[index][1])) for index in chosen]
            for _ in range(draw(st.integers(1, 12)))]  # fmt: skip
    return schema, rows


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=spelled_cases())
def test_engines_agree_on_fields_written_another_way(tmp_path, case):
    schema, rows = case
    path = tmp_path / "spelled.csv"
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow([field["name"] for field in schema["fields"]])
        writer.writerows(rows)
    assert_same(package_of(path, schema, "spelled"), "spelled", tmp_path)


def test_geopoint_keys_tell_decimals_apart_at_any_length(tmp_path):
    """1.0 and 1 are one value (a unique-error), 1 and 1 + 10^-29 two (Decimal's
    normalize() would round them to one at its 28 digits)."""
    rows = ["g", '"1, 0"', '"1.00000000000000000000000000001, 0"', '"1.0, 0"', '"-0, 0"', '"0, 0"']
    (tmp_path / "points.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    schema = {"fields": [{"name": "g", "type": "geopoint", "constraints": {"unique": True}}]}
    fast = assert_same(package_of(tmp_path / "points.csv", schema, "points"), "points", tmp_path)
    assert [e["rowNumber"] for e in fast["errors"]] == [4, 6]


def test_columns_of_few_values_are_checked_by_their_distinct_values(tmp_path):
    """Past 20,000 rows, a column repeating a few values (a département code, a status,
    a year) has its distinct values checked, the findings spread back to every row; a
    column that only seemed to repeat (sorted ids) goes back to cell by cell."""
    rng = random.Random(3)
    rows = 30_000
    lines = ["dep,statut,annee,jour,ref"]
    for n in range(rows):
        dep = rng.choice(["01", "2A", "75", "974", "2C", "1", "", "ab"] if n % 997 == 0
                         else ["01", "2A", "75", "974"])  # fmt: skip
        statut = rng.choice(["actif", "clos"] if n % 1499 else ["Actif", ""])
        annee = rng.choice(["2020", "2021"] if n % 2003 else ["20", "0999"])
        jour = rng.choice(["2021-01-05", "2021-02-30"] if n % 1000 == 0 else ["2021-01-05"])
        lines.append(f"{dep},{statut},{annee},{jour},R{n // 1000:02d}-{n:06d}")
    (tmp_path / "t.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    schema = {"fields": [
        {"name": "dep", "type": "string", "constraints": {"pattern": "[0-9]{2}|2[AB]"}},
        {"name": "statut", "type": "string",
         "constraints": {"required": True, "enum": ["actif", "clos"]}},
        {"name": "annee", "type": "year", "constraints": {"minimum": 2000}},
        {"name": "jour", "type": "date"},
        {"name": "ref", "type": "string", "constraints": {"pattern": "R[0-9]{2}-[0-9]+"}},
    ]}  # fmt: skip
    fast = assert_same(package_of(tmp_path / "t.csv", schema), "table", tmp_path, 10_000)
    assert {e["fieldName"] for e in fast["errors"]} == {"dep", "statut", "annee", "jour"}

    from ddet_data.validate.fast.cells import FieldCheck
    from ddet_data.validate.fast.engine import _few_values
    from ddet_data.validate.fast.schema import FieldSpec

    check = FieldCheck(FieldSpec(name="ref", type="string", constraints={"pattern": "R.*"}), 0)
    refs = pa.array([f"R00-{n:06d}" if n < 25_000 else "R00-000000" for n in range(50_000)])
    assert _few_values(check, refs.slice(25_000)) is not None and check.repeats
    assert _few_values(check, refs) is None and check.repeats is False


def test_a_french_column_is_re_spelled_not_read_cell_by_cell(tmp_path):
    """The decimal comma and the day first are undone for the whole column: only the
    cells the re-spelling is unsure of reach the reader."""
    from ddet_data.validate.fast.cells import FieldCheck
    from ddet_data.validate.fast.schema import FieldSpec

    amounts = pa.array(["1 234,5", "12", "1.5", ""] * 1000)
    check = FieldCheck(FieldSpec(name="m", type="number", decimal_char=",", group_char=" "), 0)
    sure = check.sure_mask(amounts, check.missing_mask(amounts)).to_pylist()
    assert sure[:4] == [True, True, False, True] and sum(sure) == 3000
    days = pa.array(["31/12/2020", "1/2/2020", "30/02/2020"] * 1000)
    check = FieldCheck(FieldSpec(name="d", type="date", format="%d/%m/%Y"), 0)
    sure = check.sure_mask(days, check.missing_mask(days)).to_pylist()
    assert sure[:3] == [True, False, False] and sum(sure) == 1000
    short_days = pa.array(["31/12/20", "1/2/20"] * 1000)
    check = FieldCheck(FieldSpec(name="d", type="date", format="%d/%m/%y"), 0)
    sure = check.sure_mask(short_days, check.missing_mask(short_days)).to_pylist()
    assert sure[:2] == [True, False] and sum(sure) == 1000
    chosen_days = pa.array(["2020-01-01", "2020-01-02"] * 1000)
    spec = FieldSpec(name="d", type="date", constraints={"enum": ["2020-01-01"]})
    check = FieldCheck(spec, 0)
    sure = check.sure_mask(chosen_days, check.missing_mask(chosen_days)).to_pylist()
    assert sure[:2] == [True, False] and sum(sure) == 1000
    hours = pa.array(["10h30", "24h00", "9h05"] * 1000)
    check = FieldCheck(FieldSpec(name="t", type="time", format="%Hh%M"), 0)
    sure = check.sure_mask(hours, check.missing_mask(hours)).to_pylist()
    assert sure[:3] == [True, False, False] and sum(sure) == 1000


# Parquet: the same table as CSV (pyarrow's writer), frictionless judging the CSV


def typed_table(rows: int, seed: int) -> pa.Table:
    rng = random.Random(seed)

    def maybe(value):
        return None if rng.random() < 0.05 else value

    ids = [maybe(n) for n in range(1, rows + 1)]
    for _ in range(rows // 40):  # repeats, some out of order
        ids[rng.randrange(rows)] = rng.randint(1, rows)
    return pa.table({
        "id": pa.array(ids, pa.int64()),
        "amount": pa.array([maybe(rng.choice([rng.uniform(-5, 105), 1e20, 0.5])) for _ in ids]),
        "day": pa.array([maybe(dt.date(2020, 1, 1) + dt.timedelta(rng.randint(0, 900)))
                         for _ in ids], pa.date32()),
        "flag": pa.array([maybe(rng.random() < 0.5) for _ in ids], pa.bool_()),
        "status": pa.array([maybe(rng.choice("abc")) for _ in ids]).dictionary_encode(),
        "code": pa.array([maybe(rng.choice(["AB1", "ab1", "XYZ9", "É1"])) for _ in ids]),
        "ref": pa.array([maybe(rng.randint(0, 7)) for _ in ids], pa.int32()),
        "seen": pa.array([maybe(dt.datetime(2021, 5, 4, rng.randint(0, 23), 30)) for _ in ids],
                         pa.timestamp("s")),
        # Microseconds, some after year 9999 (Arrow's range is wider than Python's).
        "stamp": pa.array([maybe(rng.choice([0, 1_600_000_000_123_456, 300_000_000_000_000_000]))
                           for _ in ids], pa.timestamp("us")),
    })  # fmt: skip


PARQUET_SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"unique": True}},
        {"name": "amount", "type": "number", "constraints": {"minimum": 0, "maximum": 100}},
        {"name": "day", "type": "date", "constraints": {"minimum": "2020-06-01"}},
        {"name": "flag", "type": "boolean", "constraints": {"required": True}},
        {"name": "status", "type": "string", "constraints": {"enum": ["a", "b"]}},
        {"name": "code", "type": "string", "constraints": {"pattern": "[A-Z]{2}[0-9]"}},
        {"name": "ref", "type": "integer"},
        {"name": "seen", "type": "datetime", "format": "%Y-%m-%d %H:%M:%S.%f"},
        {"name": "stamp", "type": "datetime"},
    ],
    "primaryKey": ["id"],
    "foreignKeys": [{"fields": ["ref"], "reference": {"resource": "refs", "fields": ["id"]}}],
}


def typed_package(folder: Path, table: pa.Table, fmt: str) -> dict:
    """The table as Parquet, or as the CSV of what the Parquet file holds (seconds become ms)."""
    refs = pa.table({"id": pa.array([1, 2, 3, 4, 5], pa.int64())})
    for name, data in (("data", table), ("refs", refs)):
        path = folder / f"{name}.parquet"
        pq.write_table(data, path, row_group_size=97)
        if fmt == "csv":
            options = pa_csv.WriteOptions(quoting_style="needed")
            pa_csv.write_csv(
                pq.read_table(path), str(folder / f"{name}.csv"), write_options=options
            )
    return {"resources": [
        {"name": "data", "type": "table", "path": f"data.{fmt}", "format": fmt,
         "schema": PARQUET_SCHEMA},
        {"name": "refs", "type": "table", "path": f"refs.{fmt}", "format": fmt,
         "schema": {"fields": [{"name": "id", "type": "integer"}]}},
    ]}  # fmt: skip


@pytest.mark.parametrize("seed", range(4))
def test_parquet_gives_frictionless_findings_on_the_same_table_as_csv(tmp_path, seed):
    table = typed_table(rows=400 + 300 * seed, seed=seed)
    as_csv = typed_package(tmp_path, table, "csv")
    as_parquet = typed_package(tmp_path, table, "parquet")
    slow = frictionless_task(as_csv, "data", tmp_path, 100_000)
    fast = validate_resource_fast(as_parquet["resources"][0], tmp_path, as_parquet, 100_000)
    # Text columns of few values are read as dictionaries, each value checked once
    # (status is one already, as its Arrow type says).
    assert open_parquet_source(tmp_path / "data.parquet").few_values == ["code"]
    assert fast["errors"] == slow["errors"]
    for key in ("valid", "labels", "warnings"):
        assert fast[key] == slow[key]
    for key in ("errors", "rows", "fields"):
        assert fast["stats"].get(key) == slow["stats"].get(key), key
    kinds = {error["type"] for error in fast["errors"]}
    assert {"constraint-error", "unique-error", "primary-key", "foreign-key", "type-error"} <= kinds


@pytest.mark.parametrize("constraints", [
    {}, {"required": True, "minimum": 1990}, {"maximum": "2020"},
    {"enum": [1999, "2024"]}, {"enum": ["abc"]},
])  # fmt: skip
@pytest.mark.parametrize("years", [[999, 1000, 2024, 9999, 10000, -100, None, 0],
                                   [1995, 2001, 2030], [None, 2000], [999, 2000]])  # fmt: skip
def test_parquet_integer_years_give_the_csv_findings(tmp_path, constraints, years):
    """A year is four characters for frictionless: written from an integer, 1000 to
    9999. Row groups of years the statistics prove are not read."""
    table = pa.table({"y": pa.array(years * 40, pa.int32())})
    pq.write_table(table, tmp_path / "t.parquet", row_group_size=len(years) * 7)
    pa_csv.write_csv(table, str(tmp_path / "t.csv"))
    schema = {"fields": [{"name": "y", "type": "year", "constraints": constraints}]}
    package = {"resources": [{"name": "t", "type": "table", "path": "t.parquet",
                              "format": "parquet", "schema": schema}]}  # fmt: skip
    as_csv = {"resources": [{**package["resources"][0], "path": "t.csv", "format": "csv"}]}
    fast = validate_resource_fast(package["resources"][0], tmp_path, package, 100_000)
    assert fast["errors"] == frictionless_task(as_csv, "t", tmp_path, 100_000)["errors"]


def test_parquet_text_keys_of_few_values_give_the_csv_findings(tmp_path):
    """Dictionary-encoded text keys (a departement in a composite primary key, a unique
    code, a foreign key) hash their distinct values once: the same repeats and dangling
    references as the text of every row."""
    rng = random.Random(7)
    rows = 900
    deps = [rng.choice(["01", "2A", "2B", "", None, "974"]) for _ in range(rows)]
    table = pa.table({
        "dep": pa.array(deps, pa.string()),
        "n": pa.array([rng.randint(1, 60) for _ in range(rows)], pa.int64()),
        "code": pa.array([rng.choice(["x", "y", None]) if i % 300 else "z"
                          for i in range(rows)], pa.string()),
    })  # fmt: skip
    refs = pa.table({"dep": pa.array(["01", "2A", "974"], pa.string())})
    pq.write_table(table, tmp_path / "data.parquet", row_group_size=97)
    pq.write_table(refs, tmp_path / "deps.parquet")
    options = pa_csv.WriteOptions(quoting_style="needed")
    for name, data in (("data", table), ("deps", refs)):
        pa_csv.write_csv(data, str(tmp_path / f"{name}.csv"), write_options=options)
    schema = {
        "fields": [{"name": "dep", "type": "string"}, {"name": "n", "type": "integer"},
                   {"name": "code", "type": "string", "constraints": {"unique": True}}],
        "primaryKey": ["dep", "n"],
        "foreignKeys": [{"fields": ["dep"], "reference": {"resource": "deps", "fields": ["dep"]}}],
    }  # fmt: skip

    def package(fmt: str) -> dict:
        return {"resources": [
            {"name": "data", "type": "table", "path": f"data.{fmt}", "format": fmt,
             "schema": schema},
            {"name": "deps", "type": "table", "path": f"deps.{fmt}", "format": fmt,
             "schema": {"fields": [{"name": "dep", "type": "string"}]}},
        ]}  # fmt: skip

    assert open_parquet_source(tmp_path / "data.parquet").few_values == ["dep", "code"]
    slow = frictionless_task(package("csv"), "data", tmp_path, 100_000)
    fast = validate_resource_fast(package("parquet")["resources"][0], tmp_path,
                                  package("parquet"), 100_000)  # fmt: skip
    assert fast["errors"] == slow["errors"]
    kinds = {error["type"] for error in fast["errors"]}
    assert {"unique-error", "primary-key", "foreign-key"} <= kinds


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("declared", [
    {"hash": "md5:abc", "bytes": 123, "fields": 2, "rows": 3},
    {"hash": "abc", "fields": 1, "rows": 4},
    {"hash": "sha256:00", "bytes": 1},
])  # fmt: skip
def test_declared_stats_are_checked_as_frictionless_checks_them(tmp_path, fmt, declared):
    # frictionless reads a Parquet file by path: no size or hash, a declared size unmet.
    table = pa.table({"a": pa.array([1, 2, 3], pa.int64())})
    pq.write_table(table, tmp_path / "t.parquet")
    (tmp_path / "t.csv").write_text("a\n1\n2\n3\n", encoding="utf-8")
    schema = {"fields": [{"name": "a", "type": "integer"}]}
    package = {"resources": [{"name": "t", "type": "table", "path": f"t.{fmt}", "format": fmt,
                              "schema": schema, **declared}]}  # fmt: skip
    fast = assert_same(package, "t", tmp_path)
    slow = frictionless_task(package, "t", tmp_path, 1000)
    assert fast["errors"]
    assert {**fast["stats"], "seconds": 0} == {**slow["stats"], "seconds": 0}


def test_a_parquet_column_without_a_csv_form_is_handed_over(tmp_path):
    pq.write_table(pa.table({"id": pa.array([b"x"], pa.binary())}), tmp_path / "data.parquet")
    resource = {"name": "data", "path": "data.parquet", "format": "parquet",
                "schema": {"fields": [{"name": "id", "type": "string"}]}}  # fmt: skip
    with pytest.raises(Unsupported, match="binary"):
        validate_resource_fast(resource, tmp_path)


# Where the header is: detected below title or blank lines, named by headerRows, or none

HEADER_CASES = {
    "a blank line above": ("\nid,nom\n1,a\n1,b\n2,c\n4,d\n3\n", None),
    "a title line above": ("Liste des lieux;;\nid;nom;montant\n1;a;2\n1;b;x\n", None),
    "headerRows 2": ("Liste des lieux\nid,nom\n1,a\n2,\n,\n1,c\n", {"headerRows": [2]}),
    "headerRows 3": ("titre\n\nid,nom\n1,a\n1,b,z\n", {"headerRows": [3]}),
    "no header": ("1,a\n2,\n1,c\n3,d,x\n4\n", {"header": False}),
    "labels with spaces": ("id , nom \n1,a\n1,b\n", None),  # frictionless strips them
    "headerCase false": ("ID,Nom\n1,a\n1,b\n", {"headerCase": False}),
    "headerRows 2 to 4": ("t\nid,nom\nk,n\nk,w\n1,a\n1,b\n", {"headerRows": [2, 3, 4],
                                                            "headerJoin": "-"}),
    # Rows frictionless leaves out keep their numbers: the errors below them are on the
    # file's rows. Comment lines of another width send pyarrow's rows to Python's csv.
    "commentChar": ("# relevé, v2\nid,nom\n1,a\n# puis\n1,b\nx,c\n#\n2,\n", {"commentChar": "#"}),
    "commentChar, same width": ("id,nom\n1,a\n#x,y\n1,b\nz,c\n", {"commentChar": "#"}),
    "commentRows": ("id,nom\n1,a\nnot,data\n1,b\n3,c,d\n", {"commentRows": [3, 6]}),
    "comment as a header row": ("# t\nid,nom\n1,a\n1,b\n", {"commentChar": "#",
                                                          "headerRows": [1, 2]}),
    "skipBlankRows": ("id,nom\n1,a\n,\n\n1,b\nq,\n", {"skipBlankRows": True}),
    "all three": ("// x\nid,nom\n\n1,a\n//,\n1,b\nskip,me\n,\nk,l\n",
                  {"commentChar": "//", "commentRows": [7], "skipBlankRows": True}),
    "commentRows, no header": ("1,a\nnot\n1,b\n", {"header": False, "commentRows": [2]}),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(HEADER_CASES))
def test_the_header_where_frictionless_finds_it(tmp_path, case):
    text, dialect = HEADER_CASES[case]
    (tmp_path / "data.csv").write_text(text, encoding="utf-8")
    fields = [{"name": "id", "type": "integer", "constraints": {"unique": True}},
              {"name": "nom", "type": "string"}]  # fmt: skip
    if "montant" in text:
        fields.append({"name": "montant", "type": "number"})
    package = package_of(tmp_path / "data.csv", {"fields": fields}, "data")
    if dialect:
        package["resources"][0]["dialect"] = dialect
    fast = assert_same(package, "data", tmp_path)
    assert fast["warnings"] == [] and not fast["valid"]
    assert any(error["type"] == "unique-error" for error in fast["errors"])  # rows were read


# Encodings of several bytes a character: pyarrow reads them through Python's codec

ENCODED_ROWS = ["id,nom,montant", "1,{word},2.5", '2,"a, ""b""",x', "1,{word},3", "3,,",
                '4,"ligne\nsuite",1']  # fmt: skip
WORDS = {"utf-16": "Müller 東京", "utf-16-le": "Müller", "utf-32": "Ω東", "shift_jis": "東京",
         "gb18030": "Müller 东京", "big5": "東京", "euc-kr": "한국",
         "utf-7": "café 東京"}  # fmt: skip


# Undeclared, UTF-16 is told by its BOM, and UTF-7 (ASCII bytes) is still detected.
@pytest.mark.parametrize("encoding, declared", [(name, True) for name in sorted(WORDS)]
                         + [("utf-16", False), ("utf-7", False)])  # fmt: skip
def test_encodings_of_several_bytes_a_character(tmp_path, encoding, declared):
    text = "\n".join(ENCODED_ROWS * 40).format(word=WORDS[encoding]) + "\n"
    (tmp_path / "data.csv").write_bytes(text.encode(encoding))
    fields = [{"name": "id", "type": "integer", "constraints": {"unique": True}},
              {"name": "nom", "type": "string"}, {"name": "montant", "type": "number"}]  # fmt: skip
    package = package_of(tmp_path / "data.csv", {"fields": fields}, "data")
    if declared:
        package["resources"][0]["encoding"] = encoding
    fast = assert_same(package, "data", tmp_path)
    assert {e["type"] for e in fast["errors"]} >= {"unique-error", "type-error"}


@pytest.mark.parametrize("header", [True, False])
@pytest.mark.parametrize(("encoding", "mark", "declared"), [
    ("utf-7", b"+/v8-", True), ("utf-7", b"+/v8-", False),  # the codec keeps its BOM
    ("utf-32-le", codecs.BOM_UTF32_LE, True), ("utf-32-be", codecs.BOM_UTF32_BE, True),
    ("utf-32-le", codecs.BOM_UTF32_LE, False),  # detected as another encoding
    ("utf-16-be", codecs.BOM_UTF16_BE, True), ("utf-8", codecs.BOM_UTF8, True),
])  # fmt: skip
def test_a_byte_order_mark_gives_frictionless_findings(tmp_path, encoding, mark, declared, header):
    # frictionless keeps a BOM its codec reads as text in the first cell (a label, or a
    # first value that is then no integer); pyarrow would drop it.
    text = "id,nom\n1,alpha\n2,beta\n3,\n"
    (tmp_path / "data.csv").write_bytes(mark + text.encode(encoding))
    fields = [{"name": "id", "type": "integer"},
              {"name": "nom", "type": "string", "constraints": {"required": True}}]  # fmt: skip
    package = package_of(tmp_path / "data.csv", {"fields": fields}, "data")
    package["resources"][0]["dialect"] = {"header": header}
    if declared:
        package["resources"][0]["encoding"] = encoding
    try:
        assert_same(package, "data", tmp_path)
    except Unsupported:
        slow = frictionless_task(package, "data", tmp_path, 1000)
        assert slow["errors"]  # handed over where frictionless finds what pyarrow hides


def zip_of(data: bytes, *members: str) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in members:
            archive.writestr(member, data if member.endswith(".csv") else b"x,y\n1,2\n")
    return buffer.getvalue()


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".zip", ".zip innerpath"])
def test_a_compressed_csv_gives_frictionless_findings_and_hashes(tmp_path, suffix):
    # Hashes and size are the compressed file's, the rows the decompressed text's; a zip
    # archive's first file is read, or its `innerpath` (place: "data.csv.zip -> ...").
    import bz2
    import gzip

    rows = ["id,nom,montant"]
    for n in range(1, 30_001):
        name = f'"Ligne {n}\nsuite"' if n % 997 == 0 else f"Nom {n}"
        amount = "abc" if n % 1009 == 0 else str(n % 500)
        rows.append(f"{n if n % 2003 else n - 1},{name},{amount}")
    data = ("\n".join(rows) + "\n").encode("utf-8")
    extra = {}
    if suffix == ".zip innerpath":
        suffix, extra = ".zip", {"innerpath": "b/data.csv"}
        packed = zip_of(data, "a/notes.txt", "b/data.csv")
    else:
        compress = {".gz": gzip.compress, ".bz2": bz2.compress}.get(suffix)
        packed = compress(data) if compress else zip_of(data, "data.csv")
    (tmp_path / f"data.csv{suffix}").write_bytes(packed)
    fields = [{"name": "id", "type": "integer", "constraints": {"unique": True}},
              {"name": "nom", "type": "string"},
              {"name": "montant", "type": "integer", "constraints": {"maximum": 400}}]  # fmt: skip
    package = {"resources": [{"name": "data", "type": "table", "path": f"data.csv{suffix}",
                              "schema": {"fields": fields}, **extra}]}  # fmt: skip
    fast = assert_same(package, "data", tmp_path)
    assert fast["place"] == frictionless_task(package, "data", tmp_path, 1000)["place"]
    assert {e["type"] for e in fast["errors"]} >= {"unique-error", "type-error", "constraint-error"}


@pytest.mark.parametrize("reference", [{"resource": ""}, {}, {"resource": "data"}])
def test_a_foreign_key_to_its_own_table_names_the_lookup_as_written(tmp_path, reference):
    (tmp_path / "data.csv").write_text("id,parent\n1,\n2,1\n3,9\n", encoding="utf-8")
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "parent", "type": "integer"}],
              "foreignKeys": [{"fields": ["parent"], "reference": {**reference, "fields": ["id"]}}]}
    fast = assert_same(package_of(tmp_path / "data.csv", schema, "data"), "data", tmp_path)
    assert [e["type"] for e in fast["errors"]] == ["foreign-key"]


def test_a_byte_a_multibyte_encoding_cannot_decode_hands_over(tmp_path):
    lone_surrogate = b"\x00\xd8"
    data = ("id,nom\n" + "1,a\n" * 3000).encode("utf-16") + lone_surrogate
    (tmp_path / "data.csv").write_bytes(data + "2,b\n".encode("utf-16-le"))
    package = package_of(tmp_path / "data.csv", {"fields": [{"name": "id", "type": "integer"}]})
    package["resources"][0]["encoding"] = "utf-16"
    with pytest.raises(Unsupported, match="not all utf-16"):
        validate_resource_fast(package["resources"][0], tmp_path, package)


def test_parquet_columns_proven_by_their_statistics_are_not_read(tmp_path):
    """Row groups whose min, max and null count prove a column valid leave it unread;
    rows with findings still show its cells, and groups that prove nothing are read."""
    rows = 2000
    rng = random.Random(5)
    ids = list(range(1, rows + 1))
    for spot in (150, 777, 1999):
        ids[spot] = ids[spot - 100]  # repeats: rows with findings in proven groups
    quantity = [rng.randint(0, 100) for _ in ids]
    quantity[1500] = 150  # this group's max is out of bounds: read, one error
    day = [dt.date(2021, 1, 1) + dt.timedelta(rng.randint(0, 500)) for _ in ids]
    day[300] = None  # this group has a null in a required column: read
    name = [rng.choice(["Rennes", "Brest", "Vitré"]) for _ in ids]
    name[1200] = ""  # this group's min is empty: read
    table = pa.table({
        "id": pa.array(ids, pa.int64()),
        "quantity": pa.array(quantity, pa.int64()),
        "day": pa.array(day, pa.date32()),
        "flag": pa.array([rng.random() < 0.5 for _ in ids]),
        "name": pa.array(name),
        "seen": pa.array([dt.datetime(2021, 5, 4, rng.randint(0, 23), 30) for _ in ids],
                         pa.timestamp("us")),
        "people": pa.array([rng.randint(0, 10**6) for _ in ids], pa.int32()),
    })  # fmt: skip
    schema = {"fields": [
        {"name": "id", "type": "integer", "constraints": {"unique": True}},
        {"name": "quantity", "type": "integer", "constraints": {"minimum": 0, "maximum": 100}},
        {"name": "day", "type": "date", "constraints": {"required": True}},
        {"name": "flag", "type": "boolean"},
        {"name": "name", "type": "string", "constraints": {"required": True}},
        {"name": "seen", "type": "datetime"},
        {"name": "people", "type": "number", "constraints": {"minimum": 0}},
    ]}  # fmt: skip
    pq.write_table(table, tmp_path / "data.parquet", row_group_size=250)
    pa_csv.write_csv(pq.read_table(tmp_path / "data.parquet"), str(tmp_path / "data.csv"))
    package = {"resources": [{"name": "data", "type": "table", "path": "data.parquet",
                              "format": "parquet", "schema": schema}]}  # fmt: skip
    as_csv = {"resources": [{**package["resources"][0], "path": "data.csv", "format": "csv"}]}
    slow = frictionless_task(as_csv, "data", tmp_path, 1000)
    fast = validate_resource_fast(package["resources"][0], tmp_path, package, 1000)
    assert fast["errors"] == slow["errors"]  # cells included, unread columns' too
    assert {e["type"] for e in fast["errors"]} == {"unique-error", "constraint-error"}
    assert fast["stats"]["rows"] == slow["stats"]["rows"] == rows

    table_read = fast_engine._open_table(package["resources"][0], tmp_path)
    unread = [
        {p for p, column in enumerate(batch.typed) if column is None}
        for batch in fast_engine._batches(table_read, [])
    ]
    assert len(unread) == 8 and unread[0] == {1, 2, 3, 4, 5, 6}
    assert 2 not in unread[1] and 4 not in unread[4] and 1 not in unread[6]


def _unread_columns(resource: dict, basepath: Path, package: dict) -> list[set[int]]:
    """Per batch, the positions of the columns the fast engine left unread."""
    table = fast_engine._open_table(resource, basepath)
    lookups = [
        fast_engine._read_lookup(group, resource, table, basepath, package)
        for group in table.foreign_keys
    ]
    return [
        {p for p, column in enumerate(batch.typed) if column is None}
        for batch in fast_engine._batches(table, lookups)
    ]


@pytest.mark.parametrize("gap", [False, True])
def test_a_parquet_foreign_key_within_its_lookup_range_is_not_read(tmp_path, gap):
    """A one-field integer foreign key whose lookup holds every integer between the row
    group's min and max is proven by the statistics; a group beyond the range, with a
    null, or a lookup with a gap is read, and its dangling values are found."""
    region_ids = [i for i in range(1, 51) if not (gap and i == 25)]
    regions = pa.table({"id": pa.array(region_ids, pa.int64()),
                        "name": pa.array([f"r{i}" for i in region_ids])})  # fmt: skip
    rng = random.Random(11)
    region = [rng.randint(1, 50) for _ in range(1000)]
    region = [24 if value == 25 else value for value in region]
    region[450] = 60  # beyond the lookup: its group is read, one foreign-key error
    region[820] = None  # a null: its group is read, and a null key is no error
    if gap:
        region[100] = 25  # the one value the lookup lacks
    facts = pa.table({"id": pa.array(range(1, 1001), pa.int64()),
                      "region_id": pa.array(region, pa.int64())})  # fmt: skip
    schemas = {
        "facts": {"fields": [{"name": "id", "type": "integer"},
                             {"name": "region_id", "type": "integer"}],
                  "primaryKey": ["id"],
                  "foreignKeys": [{"fields": ["region_id"],
                                   "reference": {"resource": "regions", "fields": ["id"]}}]},
        "regions": {"fields": [{"name": "id", "type": "integer"},
                               {"name": "name", "type": "string"}], "primaryKey": ["id"]},
    }  # fmt: skip
    for name, table in (("facts", facts), ("regions", regions)):
        pq.write_table(table, tmp_path / f"{name}.parquet", row_group_size=200)
        pa_csv.write_csv(table, str(tmp_path / f"{name}.csv"))

    def package_as(fmt: str) -> dict:
        return {"resources": [
            {"name": name, "type": "table", "path": f"{name}.{fmt}", "format": fmt,
             "schema": schemas[name]} for name in ("facts", "regions")
        ]}  # fmt: skip

    package, as_csv = package_as("parquet"), package_as("csv")
    fast = validate_resource_fast(package["resources"][0], tmp_path, package, 1000)
    slow = frictionless_task(as_csv, "facts", tmp_path, 1000)
    assert fast["errors"] == slow["errors"]
    assert [(e["type"], e["rowNumber"]) for e in fast["errors"]] == sorted(
        [("foreign-key", 452)] + ([("foreign-key", 102)] if gap else []), key=lambda e: e[1]
    )
    unread = _unread_columns(package["resources"][0], tmp_path, package)
    assert len(unread) == 5
    if gap:
        assert unread == [set()] * 5  # a lookup with a gap proves no range
    else:
        assert unread == [{1}, {1}, set(), {1}, set()]  # groups 3 and 5 are read


def test_a_parquet_file_whose_every_column_is_proven_is_counted_all_the_same(tmp_path):
    values = list(range(1000))
    values[700] = -1  # its row group alone is read
    table = pa.table({"n": pa.array(values, pa.int64()), "ok": pa.array([True] * 1000)})
    pq.write_table(table, tmp_path / "data.parquet", row_group_size=300)
    pa_csv.write_csv(table, str(tmp_path / "data.csv"))
    schema = {"fields": [{"name": "n", "type": "integer", "constraints": {"minimum": 0}},
                         {"name": "ok", "type": "boolean"}]}  # fmt: skip
    resource = {"name": "data", "type": "table", "path": "data.parquet", "format": "parquet",
                "schema": schema}  # fmt: skip
    slow = frictionless_task({"resources": [{**resource, "path": "data.csv", "format": "csv"}]},
                             "data", tmp_path, 1000)  # fmt: skip
    fast = validate_resource_fast(resource, tmp_path, {"resources": [resource]}, 1000)
    assert fast["errors"] == slow["errors"] and len(fast["errors"]) == 1
    assert fast["stats"]["rows"] == 1000


@pytest.mark.parametrize("bom, encoding", [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_a_declared_utf16_with_its_bom_is_read_without_it(tmp_path, bom, encoding):
    text = "id,nom\n1,a\n1,b\n"
    (tmp_path / "data.csv").write_bytes(bom + text.encode(encoding))
    fields = [{"name": "id", "type": "integer", "constraints": {"unique": True}},
              {"name": "nom", "type": "string"}]  # fmt: skip
    package = package_of(tmp_path / "data.csv", {"fields": fields}, "data")
    package["resources"][0]["encoding"] = encoding
    fast = assert_same(package, "data", tmp_path)
    assert [e["type"] for e in fast["errors"]] == ["unique-error"]  # no label error


def test_a_tsv_path_without_a_format_is_read_with_tabs(tmp_path):
    # Comma and tab are as regular: the sniffer alone would pick the comma.
    (tmp_path / "t.tsv").write_text("x,y\tz\n1,2\t3\n4,5\t6\n", encoding="utf-8")
    package = {"resources": [{"name": "t", "path": "t.tsv", "schema": {"fields": [
        {"name": "x,y", "type": "string"}, {"name": "z", "type": "integer"}]}}]}  # fmt: skip
    fast = assert_same(package, "t", tmp_path)
    assert fast["labels"] == ["x,y", "z"] and fast["valid"]


@pytest.mark.parametrize(
    ("cells", "unsupported"),
    [
        # frictionless compares Decimals: "1" and "1.0000000000000001" differ, "2" and
        # "2.0" do not; doubles of at most 15 digits tell the same apart
        (["1", "0.5", "2", "2.0", "1e3", "1000", "-0", "0"], None),
        (["1", "1.0000000000000001", "0.1", "0.10000000000000001", "2", "2.0"],
         "cannot hold exactly"),
    ],
)
def test_number_keys_repeat_as_their_decimals_do(tmp_path, cells, unsupported):
    (tmp_path / "data.csv").write_text("n\n" + "\n".join(cells) + "\n", encoding="utf-8")
    schema = {"fields": [{"name": "n", "type": "number", "constraints": {"unique": True}}]}
    package = package_of(tmp_path / "data.csv", schema, "data")
    if unsupported is None:
        fast = assert_same(package, "data", tmp_path)
        assert [e["rowNumber"] for e in fast["errors"]] == [5, 7, 9]
        return
    with pytest.raises(Unsupported, match=unsupported):
        validate_resource_fast(package["resources"][0], tmp_path, package)
    # and the command gives frictionless's findings, saying why
    report = validate_paths([tmp_path / "data.csv"], schema=_schema_file(tmp_path, schema))
    slow = frictionless_task(package, "data", tmp_path, 1000)
    assert report["tasks"][0]["errors"] == slow["errors"]
    assert [e["rowNumber"] for e in slow["errors"]] == [7]
    assert any(unsupported in warning for warning in report["warnings"])


def _schema_file(folder: Path, schema: dict) -> Path:
    path = folder / "schema.json"
    path.write_text(json.dumps(schema), encoding="utf-8")
    return path


def test_integer_keys_beyond_64_bits_are_left_to_frictionless(tmp_path):
    (tmp_path / "data.csv").write_text("id\n20\n12345678901234567890\n20\n", encoding="utf-8")
    schema = {"fields": [{"name": "id", "type": "integer", "constraints": {"unique": True}}]}
    package = package_of(tmp_path / "data.csv", schema, "data")
    with pytest.raises(Unsupported, match="beyond 64 bits"):
        validate_resource_fast(package["resources"][0], tmp_path, package)
    report = validate_paths([tmp_path / "data.csv"], schema=_schema_file(tmp_path, schema))
    slow = frictionless_task(package, "data", tmp_path, 1000)
    assert report["tasks"][0]["errors"] == slow["errors"]


def test_parquet_integers_as_number_keys_beyond_2_53_are_left_to_frictionless(tmp_path):
    values = [2**53, 2**53 + 1, 5]  # the same double, two numbers
    pq.write_table(pa.table({"n": pa.array(values, pa.int64())}), tmp_path / "data.parquet")
    schema = {"fields": [{"name": "n", "type": "number", "constraints": {"unique": True}}]}
    resource = {"name": "data", "type": "table", "path": "data.parquet", "format": "parquet",
                "schema": schema}  # fmt: skip
    with pytest.raises(Unsupported, match="cannot hold exactly"):  # read as text, then
        validate_resource_fast(resource, tmp_path, {"resources": [resource]})


def test_a_null_alone_on_its_parquet_row_is_a_blank_row_of_no_cells(tmp_path):
    """pyarrow's writer puts it as an empty line (frictionless: no cells); an empty text
    is written "" (one empty cell)."""
    table = pa.table({"c": pa.array(["open", None, "", "closed", None])})
    pq.write_table(table, tmp_path / "data.parquet")
    pa_csv.write_csv(table, str(tmp_path / "data.csv"))
    schema = {"fields": [{"name": "c", "type": "string"}]}
    resource = {"name": "data", "type": "table", "path": "data.parquet", "format": "parquet",
                "schema": schema}  # fmt: skip
    fast = validate_resource_fast(resource, tmp_path, {"resources": [resource]})
    as_csv = {"resources": [{**resource, "path": "data.csv", "format": "csv"}]}
    slow = frictionless_task(as_csv, "data", tmp_path, 1000)
    assert fast["errors"] == slow["errors"]
    assert [(e["rowNumber"], e["cells"]) for e in fast["errors"]] == [(3, []), (4, [""]), (6, [])]


def test_parquet_float32_and_bounds_beyond_64_bits_give_the_csv_findings(tmp_path):
    """A float32's text ("0.1") is not the double it widens to (0.10000000149...), and a
    bound of 2^63 fits no int64: both are judged from the text, as frictionless does."""
    table = pa.table({
        "x": pa.array([0.1, 0.2, 1.5, 0.3], pa.float32()),
        "u": pa.array([1, 2**63 + 5, 3, 4], pa.uint64()),
        "i8": pa.array([1, -2, 3, 4], pa.int8()),
    })  # fmt: skip
    pq.write_table(table, tmp_path / "data.parquet")
    pa_csv.write_csv(table, str(tmp_path / "data.csv"))
    schema = {"fields": [
        {"name": "x", "type": "number",
         "constraints": {"minimum": 0.1000000001, "maximum": 0.30000000001}},
        {"name": "u", "type": "integer", "constraints": {"maximum": 2**63}},
        {"name": "i8", "type": "integer", "constraints": {"minimum": 0}},
    ]}  # fmt: skip
    as_csv = {"resources": [{"name": "data", "type": "table", "path": "data.csv",
                             "format": "csv", "schema": schema}]}  # fmt: skip
    slow = frictionless_task(as_csv, "data", tmp_path, 1000)
    assert [(e["rowNumber"], e["fieldName"]) for e in slow["errors"]] == [
        (2, "x"), (3, "u"), (3, "i8"), (4, "x")
    ]
    for fmt in ("csv", "parquet"):
        resource = {**as_csv["resources"][0], "path": f"data.{fmt}", "format": fmt}
        fast = validate_resource_fast(resource, tmp_path, {"resources": [resource]})
        assert fast["errors"] == slow["errors"]


def _parquet_and_csv(folder: Path, tables: dict[str, pa.Table], schemas: dict[str, dict]):
    """Each table as Parquet and as the CSV pyarrow writes of it; both packages."""
    packages = {}
    for fmt in ("parquet", "csv"):
        resources = []
        for name, table in tables.items():
            if fmt == "parquet":
                pq.write_table(table, folder / f"{name}.parquet")
            else:
                pa_csv.write_csv(table, str(folder / f"{name}.csv"))
            resources.append({"name": name, "type": "table", "path": f"{name}.{fmt}",
                              "format": fmt, "schema": schemas[name]})  # fmt: skip
        packages[fmt] = {"resources": resources}
    return packages["parquet"], packages["csv"]


def test_a_parquet_date_foreign_key_is_checked_against_a_lookup_without_gaps(tmp_path):
    """Dates are kept as day numbers in the lookup, but their statistics are dates:
    they prove no range, and the column is read."""
    days = [dt.date(2020, 1, 1) + dt.timedelta(n) for n in range(4)]
    tables = {"c": pa.table({"x": pa.array([days[0], dt.date(2020, 1, 5)], pa.date32())}),
              "r": pa.table({"id": pa.array(days, pa.date32())})}  # fmt: skip
    schemas = {
        "c": {"fields": [{"name": "x", "type": "date"}],
              "foreignKeys": [{"fields": ["x"], "reference": {"resource": "r", "fields": ["id"]}}]},
        "r": {"fields": [{"name": "id", "type": "date"}]},
    }  # fmt: skip
    package, as_csv = _parquet_and_csv(tmp_path, tables, schemas)
    fast = validate_resource_fast(package["resources"][0], tmp_path, package)
    slow = frictionless_task(as_csv, "c", tmp_path, 1000)
    assert fast["errors"] == slow["errors"]
    assert [(e["type"], e["rowNumber"]) for e in fast["errors"]] == [("foreign-key", 3)]


def test_a_parquet_integer_bound_beyond_its_type_leaves_the_cells_to_the_reader(tmp_path):
    tables = {"t": pa.table({"n": pa.array([1, 5, -3], pa.int64())})}
    schemas = {"t": {"fields": [{"name": "n", "type": "integer",
                                 "constraints": {"minimum": 2**63}}]}}  # fmt: skip
    package, as_csv = _parquet_and_csv(tmp_path, tables, schemas)
    fast = validate_resource_fast(package["resources"][0], tmp_path, package)
    slow = frictionless_task(as_csv, "t", tmp_path, 1000)
    assert fast["errors"] == slow["errors"] and len(fast["errors"]) == 3


@pytest.mark.parametrize("kind", ["integer", "string"])
def test_a_null_alone_on_its_parquet_row_is_blank_whatever_the_missing_values(tmp_path, kind):
    values = [1, None, 3] if kind == "integer" else ["a", None, ""]
    tables = {"t": pa.table({"a": pa.array(values)})}
    schemas = {"t": {"fields": [{"name": "a", "type": kind}], "missingValues": ["NA"],
                     "primaryKey": ["a"]}}  # fmt: skip
    package, as_csv = _parquet_and_csv(tmp_path, tables, schemas)
    fast = validate_resource_fast(package["resources"][0], tmp_path, package)
    slow = frictionless_task(as_csv, "t", tmp_path, 1000)
    assert fast["errors"] == slow["errors"]
    assert ("blank-row", 3) in [(e["type"], e["rowNumber"]) for e in fast["errors"]]


@pytest.mark.parametrize("cells", [["1e-400", "2e-400", "0"], ["1e400", "2e400"],
                                   ["1e-320", "1.00001e-320"]])  # fmt: skip
def test_number_keys_beyond_the_range_of_doubles_are_left_to_frictionless(tmp_path, cells):
    """1e-400 and 2e-400 are two Decimals and the same double (0)."""
    (tmp_path / "data.csv").write_text("x\n" + "\n".join(cells) + "\n", encoding="utf-8")
    schema = {"fields": [{"name": "x", "type": "number", "constraints": {"unique": True}}]}
    package = package_of(tmp_path / "data.csv", schema, "data")
    with pytest.raises(Unsupported, match="cannot hold exactly"):
        validate_resource_fast(package["resources"][0], tmp_path, package)
    report = validate_paths([tmp_path / "data.csv"], schema=_schema_file(tmp_path, schema))
    assert report["valid"] and not frictionless_task(package, "data", tmp_path, 1000)["errors"]


@pytest.mark.parametrize("spoil", [None, "nan", "status", "day", "null-status"])
def test_parquet_row_groups_proven_by_statistics_and_one_spoiled(tmp_path, spoil):
    # Row groups whose statistics prove every bound and whose dictionaries hold valid
    # values only take the short way; one spoiled cell must still be found.
    rows = 600
    amount = [float(n % 90) + 0.5 for n in range(rows)]
    status = ["a" if n % 3 else "b" for n in range(rows)]
    day = [dt.date(2020, 7, 1) + dt.timedelta(n % 300) for n in range(rows)]
    if spoil == "nan":
        amount[433] = float("nan")
    if spoil in ("status", "null-status"):
        status[250] = "c" if spoil == "status" else None
    if spoil == "day":
        day[599] = dt.date(2020, 1, 1)
    table = pa.table({
        "id": pa.array(range(1, rows + 1), pa.int64()),
        "amount": pa.array(amount, pa.float64()),
        "day": pa.array(day, pa.date32()),
        "flag": pa.array([n % 2 == 0 for n in range(rows)], pa.bool_()),
        "status": pa.array(status).dictionary_encode(),
        "code": pa.array(["AB1"] * rows),
        "ref": pa.array([n % 5 + 1 for n in range(rows)], pa.int32()),
        "seen": pa.array([dt.datetime(2021, 5, 4, 10, 30)] * rows, pa.timestamp("s")),
        "stamp": pa.array([1_600_000_000_123_456] * rows, pa.timestamp("us")),
    })  # fmt: skip
    as_csv = typed_package(tmp_path, table, "csv")
    as_parquet = typed_package(tmp_path, table, "parquet")
    slow = frictionless_task(as_csv, "data", tmp_path, 100_000)
    fast = validate_resource_fast(as_parquet["resources"][0], tmp_path, as_parquet, 100_000)
    assert fast["errors"] == slow["errors"]
    assert fast["valid"] == slow["valid"] == (spoil in (None, "null-status"))  # (not required)


def test_a_parquet_date_beyond_year_9999_is_a_type_error_as_in_its_csv(tmp_path):
    # Its row group's statistics cannot be read as Python dates: they prove nothing.
    days = [dt.date(2020, 1, 1), dt.date(2020, 1, 2)]
    beyond = pa.array([*(d.toordinal() - 719163 for d in days), 2932897], pa.int32())
    table = pa.table({"d": beyond.cast(pa.date32())})  # 2932897 days: 10000-01-01
    pq.write_table(table, tmp_path / "data.parquet")
    pa_csv.write_csv(table, str(tmp_path / "data.csv"))
    schema = {"fields": [{"name": "d", "type": "date"}]}
    resource = {"name": "data", "path": "data.parquet", "format": "parquet", "schema": schema}
    fast = validate_resource_fast(resource, tmp_path, {"resources": [resource]})
    slow = frictionless_task(package_of(tmp_path / "data.csv", schema, "data"), "data",
                             tmp_path, 1000)  # fmt: skip
    assert [(e["type"], e["rowNumber"]) for e in fast["errors"]] == [("type-error", 4)]
    assert fast["errors"] == slow["errors"]


def test_extrapaths_are_read_by_frictionless_as_one_file(tmp_path):
    (tmp_path / "a.csv").write_text("id\n1\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("x\n", encoding="utf-8")
    resource = {"name": "data", "path": "a.csv", "extrapaths": ["b.csv"],
                "schema": {"fields": [{"name": "id", "type": "integer"}]}}  # fmt: skip
    with pytest.raises(Unsupported, match="extrapaths"):
        validate_resource_fast(resource, tmp_path, {"resources": [resource]})


@pytest.mark.parametrize(
    ("text", "schema", "dialect"),
    [
        # Line ends of a lone CR (old Mac files)
        ("id,name\r1,a\rx,b\r", {"fields": [{"name": "id", "type": "integer"},
                                          {"name": "name", "type": "string"}]}, None),
        # No header, and a quote in the first records
        ('1,"a b"\n2,"c"\nx,d\n', {"fields": [{"name": "id", "type": "integer"},
                                            {"name": "name", "type": "string"}]},
         {"header": False}),
        # An integer enum member beyond 64 bits
        ("id\n1\n2\n9223372036854775808\n",
         {"fields": [{"name": "id", "type": "integer",
                      "constraints": {"enum": [1, 9223372036854775808]}}]}, None),
    ],
)  # fmt: skip
def test_inputs_the_fast_engine_failed_on_are_read_as_frictionless_reads_them(
    tmp_path, text, schema, dialect
):
    (tmp_path / "data.csv").write_bytes(text.encode("utf-8"))
    package = package_of(tmp_path / "data.csv", schema)
    if dialect:
        package["resources"][0]["dialect"] = dialect
    fast = assert_same(package, "table", tmp_path)  # the fast engine itself, no fallback
    assert not fast["valid"]
