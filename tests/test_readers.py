"""The fast engine's own cell readers against frictionless's, field by field and cell by cell.

A reader of `ddet_data.validate.fast.readers` replaces frictionless's only where the
two give the same value (of the same type) and the same notes: generated fields of
every type it knows, with their options and constraints, read generated cells.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from decimal import Decimal

import pytest
from frictionless import Schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddet_data.validate.fast import findings, readers
from ddet_data.validate.fast.schema import read_light_schema

# Characters of the cells that bring out the edge cases of int, Decimal and strptime.
CELL_ALPHABET = "0123456789-+.,_ eENaninfIty%/:T\n\t٣€xtrueFALS"
SPECIAL_CELLS = ["", " ", "NA", "-", "1_000", "٣", "1e3", "NaN", "-inf", "Infinity", "0x10",
                 " 7 ", "7\n", "+5", "1,5", "1.5", "1 000", "€ 12", "12 €", "2021-02-30",
                 "2021-2-3", "2020-02-29", "31/12/2020", "1/1/2020", "0000", "0999", "2024",
                 "true", "True", "yes", "0", "1", "FALSE", "é", "abc", "ABC-1234",
                 "2020-01-01T00:00:00Z", "2020-01-01T01:00:00+01:00", "2020-01-01 00:00:00",
                 "2020-02-30T00:00:00", "2020-01-01T00:00:00.123456", "2020-01-01T00:00",
                 "2020-W01-1T00:00:00", "2020-01-01T24:00:00", "20200101T000000",
                 "12:30:00", "24:00:00", "12:30", "12:30:00.5", "12:30:00+0100", "1230:00",
                 "12:30:00Z", "01/02/2020 10:00", "2020-01", "2020-13", "2020-1", "-2020-01",
                 "0000-12", "1,2", "180,90", "180.0000000000000001, 0", "1 , 2", "nan,0",
                 "1,2,3", " 1.5, 2.5", "-180,-90", "1e2,5", "inf,0", "1,٣"]  # fmt: skip


def cells() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(SPECIAL_CELLS), st.text(CELL_ALPHABET, max_size=12))


def bound(kind: str) -> st.SearchStrategy:
    if kind in ("integer", "year"):
        return st.one_of(st.integers(-50, 3000), st.sampled_from(["5", 2.0, 2.5, "x"]))
    if kind == "number":
        return st.one_of(
            st.integers(-50, 50),
            st.floats(-100, 100, allow_nan=False),
            st.sampled_from(["1.5", "0", "x", 1e300]),
        )
    if kind == "datetime":
        return st.sampled_from(["2020-01-01T00:00:00", "2020-01-01T00:00:00Z", "2021-06-01 10:00",
                                "x"])  # fmt: skip
    if kind == "time":
        return st.sampled_from(["12:00:00", "12:00:00Z", "06:30", "x"])
    if kind == "yearmonth":
        return st.sampled_from(["2020-01", "1999-12", "x", "2020-13"])
    if kind == "geopoint":
        return st.sampled_from(["1,2", "180, 90", [1, 2], "x", "1.0,2"])
    return st.sampled_from(["2000-01-01", "2020-02-29", "1/1/2000", "x"])  # date


@st.composite
def fields(draw) -> dict:
    kind = draw(st.sampled_from(
        ["string", "integer", "number", "boolean", "date", "datetime", "time", "year",
         "yearmonth", "geopoint"]
    ))  # fmt: skip
    field: dict = {"name": "f", "type": kind}
    constraints: dict = {}
    if draw(st.booleans()):
        constraints["required"] = draw(st.booleans())
    if kind == "string":
        if draw(st.booleans()):
            constraints["minLength"] = draw(st.integers(0, 4))
        if draw(st.booleans()):
            constraints["maxLength"] = draw(st.integers(0, 6))
        if draw(st.booleans()):
            constraints["pattern"] = draw(
                st.sampled_from(["[0-9]{5}", "[A-Z]{2}-[0-9]{4}", "a|b", "\\d+", ".*", "(x"])
            )
        if draw(st.booleans()):
            constraints["enum"] = draw(st.lists(cells(), min_size=1, max_size=3))
    elif kind == "boolean":
        if draw(st.booleans()):
            field["trueValues"] = draw(st.lists(st.sampled_from(["yes", "oui", "1", "x"]),
                                                min_size=1, max_size=2, unique=True))  # fmt: skip
        if draw(st.booleans()):
            field["falseValues"] = draw(st.lists(st.sampled_from(["no", "non", "0"]),
                                                 min_size=1, max_size=2, unique=True))  # fmt: skip
        if draw(st.booleans()):
            constraints["enum"] = draw(st.lists(st.sampled_from([True, False, "true", "yes"]),
                                                min_size=1, max_size=2))  # fmt: skip
    else:
        if kind in ("integer", "number") and draw(st.booleans()):
            field["bareNumber"] = draw(st.booleans())
        if kind == "number" and draw(st.booleans()):
            field["decimalChar"] = draw(st.sampled_from([".", ","]))
        if kind == "number" and draw(st.booleans()):
            field["groupChar"] = draw(st.sampled_from(["", " ", ".", ","]))
        if kind == "date" and draw(st.booleans()):
            field["format"] = draw(st.sampled_from(["default", "%d/%m/%Y", "%Y"]))
        if kind == "datetime" and draw(st.booleans()):
            field["format"] = draw(st.sampled_from(["default", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"]))
        if kind == "time" and draw(st.booleans()):
            field["format"] = draw(st.sampled_from(["default", "%H:%M", "%H:%M:%S%z"]))
        if kind == "geopoint" and draw(st.booleans()):
            field["format"] = draw(st.sampled_from(["default", "array"]))
        for name in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if draw(st.integers(0, 3)) == 0 and kind != "geopoint":  # (no bounds: none)
                constraints[name] = draw(bound(kind))
        if draw(st.integers(0, 3)) == 0:
            constraints["enum"] = draw(st.lists(bound(kind), min_size=1, max_size=3))
    if constraints:
        field["constraints"] = constraints
    return field


def same_value(ours, theirs) -> bool:
    if isinstance(theirs, tuple):  # frictionless's named tuples (yearmonth, geopoint)
        return isinstance(ours, tuple) and str(ours) == str(theirs) and all(
            same_value(a, b) for a, b in zip(ours, theirs, strict=True)
        )
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, (float, Decimal)) and ours != ours:
        return theirs != theirs  # NaN, of the same type
    return ours == theirs


def frictionless_reader(descriptor: dict, missing: list[str]):
    try:
        schema = Schema.from_descriptor({"fields": [descriptor], "missingValues": missing})
        return schema.get_field("f").create_cell_reader()
    except Exception:
        return None


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    field=fields(),
    missing=st.sampled_from([[""], ["", "NA", "-"], ["0"]]),
    values=st.lists(cells(), min_size=1, max_size=8),
)
def test_own_readers_read_as_frictionless(field, missing, values):
    light = read_light_schema({"fields": [field], "missingValues": missing})
    assert light is not None, field
    ours = readers.cell_reader(light.fields[0])
    theirs = frictionless_reader(field, missing)
    if ours is None or theirs is None:
        return
    for value in values:
        try:
            expected = theirs(value)
        except Exception as exc:  # an aware time against a naive bound: ours fails alike
            with pytest.raises(type(exc)):
                ours(value)
            continue
        got = ours(value)
        assert same_value(got[0], expected[0]), (field, value, got, expected)
        assert got[1] == expected[1], (field, value, got, expected)


@pytest.mark.parametrize(
    "field",
    [
        {"name": "f", "type": "integer", "constraints": {"minimum": 0, "maximum": 1000}},
        {"name": "f", "type": "number", "constraints": {"minimum": 0}},
        {"name": "f", "type": "number", "decimalChar": ",", "groupChar": " "},
        {"name": "f", "type": "string", "constraints": {"required": True, "pattern": "[0-9]{5}"}},
        {"name": "f", "type": "string", "constraints": {"enum": ["a", "b"], "maxLength": 3}},
        {"name": "f", "type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]},
        {"name": "f", "type": "date", "constraints": {"minimum": "2000-01-01"}},
        {"name": "f", "type": "date", "format": "%d/%m/%Y"},
        {"name": "f", "type": "year", "constraints": {"maximum": 2030}},
        {"name": "f", "type": "datetime", "constraints": {"minimum": "2020-01-01T00:00:00Z"}},
        {"name": "f", "type": "time", "format": "%H:%M"},
        {"name": "f", "type": "yearmonth", "constraints": {"minimum": "2020-01"}},
        {"name": "f", "type": "geopoint", "constraints": {"enum": ["2.35, 48.85"]}},
    ],
)
def test_common_fields_get_a_reader_of_their_own(field):
    light = read_light_schema({"fields": [field]})
    assert readers.cell_reader(light.fields[0]) is not None


@pytest.mark.parametrize(
    "field",
    [
        {"name": "f", "type": "string", "format": "email"},
        {"name": "f", "type": "datetime", "format": "any"},
        {"name": "f", "type": "date", "format": "any"},
        {"name": "f", "type": "integer", "constraints": {"minimum": "x"}},
        {"name": "f", "type": "number", "constraints": {"maximum": "NaN"}},
    ],
)
def test_fields_beyond_them_keep_frictionless_reader(field):
    light = read_light_schema({"fields": [field]})
    assert light is None or readers.cell_reader(light.fields[0]) is None


def test_bad_cells_are_reported_without_importing_frictionless(tmp_path):
    (tmp_path / "t.csv").write_text(
        "id,day,n,ok,code\n1,2021-02-30,x,yes,AB\n2,2021-01-01,-1,true,12345\n", encoding="utf-8"
    )
    schema = {
        "fields": [
            {"name": "id", "type": "integer", "constraints": {"unique": True}},
            {"name": "day", "type": "date", "constraints": {"minimum": "2021-01-01"}},
            {"name": "n", "type": "number", "constraints": {"minimum": 0}},
            {"name": "ok", "type": "boolean"},
            {"name": "code", "type": "string", "constraints": {"pattern": "[0-9]{5}"}},
        ]
    }
    resource = {"name": "t", "path": "t.csv", "format": "csv", "schema": schema}
    code = (
        "import sys; from pathlib import Path; "
        "from ddet_data.validate.fast.engine import validate_resource_fast as v; "
        f"task = v({resource!r}, Path({str(tmp_path)!r})); "
        "print([(e['type'], e['rowNumber'], e['fieldName']) for e in task['errors']]); "
        "print('frictionless' in sys.modules)"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    found, imported = shown.stdout.splitlines()
    assert found == str(
        [("type-error", 2, "day"), ("type-error", 2, "n"), ("type-error", 2, "ok"),
         ("constraint-error", 2, "code"), ("constraint-error", 3, "n")]
    )  # fmt: skip
    assert imported == "False"


def test_nan_and_dates_values_keep_their_types():
    light = read_light_schema({"fields": [{"name": "f", "type": "number"}]})
    value, notes = readers.cell_reader(light.fields[0])("NaN")
    assert isinstance(value, Decimal) and value.is_nan() and notes is None
    light = read_light_schema({"fields": [{"name": "f", "type": "date"}]})
    assert readers.cell_reader(light.fields[0])("2020-02-29") == (dt.date(2020, 2, 29), None)


ROW = {"note": "n", "cells": ["a", "b"], "rowNumber": 3}
CELL = {**ROW, "cell": "a", "fieldName": "f", "fieldNumber": 1}
FOREIGN = {**ROW, "fieldNames": ["f"], "fieldCells": ["a"], "referenceName": "r",
           "referenceFieldNames": ["id"]}  # fmt: skip
PROPERTIES = {"BlankRowError": ROW, "PrimaryKeyError": ROW, "ForeignKeyError": FOREIGN}


@pytest.mark.parametrize("name", sorted(findings.ROW_ERRORS))
def test_row_errors_are_made_as_frictionless_makes_them(name):
    from frictionless import errors

    properties = PROPERTIES.get(name, CELL)
    snake = {re.sub("([A-Z])", r"_\1", key).lower(): value for key, value in properties.items()}
    theirs = getattr(errors, name)(**snake).to_dict()
    assert findings.error_dict(findings.ROW_ERRORS[name], **properties) == theirs
