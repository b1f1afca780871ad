"""The fast engine's own contract: what it hands over to frictionless, progress, keys."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddet_data.errors import Unsupported
from ddet_data.validate.fast import source
from ddet_data.validate.fast.engine import validate_resource_fast
from ddet_data.validate.fast.keys import IntKeyLookup, IntKeys, KeyLookup, SeenKeys, hash_keys
from ddet_data.validate.fast.schema import FieldSpec, read_light_schema

SCHEMA = {"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]}


def resource(path: str = "data.csv", **extra) -> dict:
    return {"name": "data", "path": path, "format": "csv", "schema": SCHEMA, **extra}


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "data.csv").write_text("id,name\n1,a\n2,b\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"format": "xlsx"}, "format"),
        ({"path": "https://example.org/data.csv"}, "one local file"),
        ({"encoding": "no-such-codec"}, "unknown encoding"),
        ({"dialect": {"commentChar": "i", "headerRows": [1]}}, "every header record is a comment"),
        ({"dialect": {"headerRows": [2, 1]}}, "header rows out of order"),
        ({"dialect": {"commentRows": ["2"]}}, "not all integers"),  # frictionless: no row
        ({"schema": {**SCHEMA, "fieldsMatch": "subset"}}, "fieldsMatch"),
        ({"schema": {**SCHEMA, "uniqueKeys": [["id"]]}}, "uniqueKeys"),
        ({"path": "absent.csv"}, "no such file"),
    ],
)
def test_what_it_cannot_promise_goes_to_frictionless(folder, change, reason):
    with pytest.raises(Unsupported, match=reason):
        validate_resource_fast(resource(**change), folder)


def test_a_foreign_key_to_a_missing_resource_is_handed_over(folder):
    schema = {**SCHEMA, "foreignKeys": [
        {"fields": ["id"], "reference": {"resource": "nowhere", "fields": ["id"]}}]}  # fmt: skip
    with pytest.raises(Unsupported, match="missing resource"):
        validate_resource_fast(resource(schema=schema), folder, {"resources": []})


def test_a_cp1252_file_is_read_as_text(tmp_path):
    (tmp_path / "data.csv").write_bytes(b"id,name\n" + "1,café\n".encode("cp1252") * 50)
    schema = {"fields": [{"name": "id", "type": "integer"},
                         {"name": "name", "type": "string", "constraints": {"enum": ["café"]}}]}
    task = validate_resource_fast(resource(schema=schema), tmp_path)
    assert task["valid"] and task["stats"]["rows"] == 50  # "café" read as frictionless reads it


def test_valid_table_gives_frictionless_task_shape(folder):
    task = validate_resource_fast(resource(), folder)
    assert task["valid"] is True
    assert task["errors"] == [] and task["warnings"] == []
    assert task["labels"] == ["id", "name"]
    assert {"errors": 0, "rows": 2, "fields": 2, "warnings": 0}.items() <= task["stats"].items()
    assert task["place"] == "data.csv" and task["type"] == "table"


def test_progress_is_reported_in_rows(tmp_path):
    rows = "".join(f"{n},x\n" for n in range(50_000))
    (tmp_path / "data.csv").write_text("id,name\n" + rows, encoding="utf-8")
    seen = []
    validate_resource_fast(resource(), tmp_path, progress=seen.append)
    assert seen and seen[-1] == 50_000 and seen == sorted(seen)


def test_declared_hash_and_bytes_are_checked(folder):
    task = validate_resource_fast(resource(hash="sha256:00", bytes=3), folder)
    assert [error["type"] for error in task["errors"]] == ["hash-count", "byte-count"]


def test_repeats_point_to_the_last_row_holding_the_key_across_batches():
    seen = SeenKeys()
    first_row = 2
    for batch in ([5, 6, 5], [7, 6], [5]):
        values = np.array(batch, dtype=np.int64)
        hashes = hash_keys([(values, np.zeros(len(values), dtype=bool))])
        seen.add(hashes, np.arange(first_row, first_row + len(values)))
        first_row += len(values)
    rows, previous = seen.repeats()
    assert list(zip(rows.tolist(), previous.tolist(), strict=True)) == [(4, 2), (6, 3), (7, 4)]


def reference_repeats(batches: list[list[int]], first_row: int = 2) -> list[tuple[int, int]]:
    """frictionless's way: a dict of each key to the last row that held it."""
    last_row, found, row = {}, [], first_row
    for batch in batches:
        for key in batch:
            if key in last_row:
                found.append((row, last_row[key]))
            last_row[key] = row
            row += 1
    return found


def test_string_hashes_separate_near_strings_and_match_equal_ones():
    words = pa.array(["", "a", "b", "ab", "ba", "a", "aa", None])
    hashes = hash_keys([(words, np.zeros(len(words), dtype=bool))])
    assert hashes[1] == hashes[5]
    assert hashes[0] == hashes[7]  # a null not flagged as null reads as "" (the mask decides)
    assert len(set(hashes.tolist())) == len(words) - 2


def test_strings_of_one_width_hash_as_among_strings_of_several():
    # A foreign key's values may all be of one width and its lookup's not: same hashes.
    codes = ["C-001", "C-002", "Z-999"]
    alone = hash_keys([(pa.array(codes), np.zeros(3, dtype=bool))])
    mixed = hash_keys([(pa.array([*codes, "C-1", ""]), np.zeros(5, dtype=bool))])
    assert alone.tolist() == mixed[:3].tolist()
    assert len(set(alone.tolist())) == 3


@pytest.mark.parametrize("length", [1024, 2048])
def test_thue_morse_strings_and_their_complements_hash_apart(length):
    # With the powers of one base as byte weights these hashed alike (found by review).
    pattern = [bin(place).count("1") % 2 for place in range(length)]
    strings = ["".join("ab"[bit] for bit in pattern), "".join("ba"[bit] for bit in pattern)]
    for extra in ([], ["x"]):  # keys of one width, and among keys of several
        hashes = hash_keys([(pa.array(strings + extra), np.zeros(2 + len(extra), dtype=bool))])
        assert hashes[0] != hashes[1]


def test_null_parts_hash_alike_and_lookup_finds_members():
    values = np.array([1, 2, 3], dtype=np.int64)
    nulls = np.array([False, True, True])
    hashes = hash_keys([(values, nulls)])
    assert hashes[1] == hashes[2] != hashes[0]
    lookup = KeyLookup()
    lookup.add(hash_keys([(np.array([1, 9], dtype=np.int64), np.zeros(2, dtype=bool))]))
    lookup.freeze()
    assert lookup.contains(hashes).tolist() == [True, False, False]


@settings(max_examples=200, deadline=None)
@given(
    batches=st.lists(
        st.lists(st.integers(-5, 40), max_size=12)
        | st.builds(lambda n: list(range(n)), st.integers(0, 9)),
        max_size=6,
    ),
    shift=st.integers(0, 30),
)
def test_integer_and_hashed_keys_find_the_repeats_a_dict_finds(batches, shift):
    hashed, ints = SeenKeys(), IntKeys()
    first_row = 2
    for batch in batches:
        values = np.array(batch, dtype=np.int64) + shift
        rows = np.arange(first_row, first_row + len(values))
        hashed.add(hash_keys([(values, np.zeros(len(values), dtype=bool))]), rows)
        ints.add(values, rows)
        first_row += len(values)
    expected = reference_repeats([[value + shift for value in batch] for batch in batches])
    for seen in (hashed, ints):
        rows, previous = seen.repeats()
        assert list(zip(rows.tolist(), previous.tolist(), strict=True)) == expected
        assert len(seen) == sum(map(len, batches))


@pytest.mark.parametrize("keys", [[1, 2, 3, 7], list(range(0, 10**6, 1000)), [5]])
def test_integer_lookup_dense_or_sparse(keys):
    lookup = IntKeyLookup()
    lookup.add(np.array(keys, dtype=np.int64))
    lookup.freeze()
    probe = np.array([*keys, -1, keys[-1] + 1, 4, 999], dtype=np.int64)
    assert lookup.contains(probe).tolist() == [v in set(keys) for v in probe.tolist()]


# Reading schemas, dialects and encodings without importing frictionless


@pytest.mark.parametrize(
    "field",
    [
        {"name": "a", "type": kind}
        for kind in ("string", "integer", "number", "boolean", "date", "datetime", "time", "year",
                     "yearmonth", "geopoint")
    ]
    + [
        {"name": "a", "type": "any"},
        {"name": "a", "type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]},
        {"name": "a", "type": "number", "decimalChar": ",", "groupChar": " ", "bareNumber": False},
        {"name": "a", "type": "string", "format": "email", "constraints": {"maxLength": 3}},
    ],
)
def test_a_light_field_reads_as_frictionless_field(field):
    from frictionless import Schema

    descriptor = {"fields": [field], "missingValues": ["", "NA"]}
    light = read_light_schema(descriptor).fields[0]
    built = FieldSpec.from_frictionless(Schema.from_descriptor(descriptor).fields[0])
    light.schema = built.built = None
    assert light == built


@pytest.mark.parametrize(
    "descriptor",
    [
        {"fields": [{"name": "a", "type": "integer", "constraints": {"pattern": "x"}}]},
        {"fields": [{"name": "a", "type": "duration"}]},
        {"fields": [{"name": "a", "type": "geopoint", "constraints": {"minimum": "1,2"}}]},
        {"fields": [{"name": "a", "type": "string", "rdfType": "x"}]},
        {"fields": [{"name": "a"}, {"name": "a"}]},
        {"fields": [{"name": "a", "type": "integer", "constraints": {"required": "yes"}}]},
        {"fields": [{"name": "a", "type": "string"}], "uniqueKeys": [["a"]]},
    ],
)
def test_schemas_beyond_the_light_reader_go_to_frictionless(descriptor):
    assert read_light_schema(descriptor) is None


@pytest.mark.parametrize(
    "sample",
    ["a,b\n1,2\n", "a;b\n1;2\n", 'a,"b"\n"1,5",2\n', "a\tb\n1\t2\n", "a\n1\n", "", "a, b\n1, 2\n",
     "'a','b'\n'1','2'\n", "a|b\r\n1|2\r\n"],
)  # fmt: skip
def test_sniffed_dialect_is_frictionless_dialect(sample):
    lines = sample.splitlines(keepends=True)
    ours = source._sniffed_dialect(lines)
    theirs, _ = source._dialect_by_frictionless({}, {}, lines)
    for key in ("delimiter", "quotechar", "escapechar", "doublequote", "lineterminator",
                "quoting", "skipinitialspace"):  # fmt: skip
        assert getattr(ours, key) == getattr(theirs, key), key


@pytest.mark.parametrize(
    "text, encoding",
    [("id,name\n1,café\n" * 30, "utf-8"), ("id,name\n1,café\n" * 30, "cp1252"),
     ("\ufeffid\n1\n", "utf-8"), ("a,b\n" + "1,Zürich 東京\n" * 50, "utf-16"),
     ("x,é\n", "latin-1")],
)  # fmt: skip
def test_encoding_detection_is_frictionless(text, encoding):
    from frictionless import Detector

    buffer = text.encode(encoding)
    assert source.detect_encoding(buffer) == Detector().detect_encoding(buffer)


# Text of several scripts in the encodings that write them, cut at odd places: the
# detector without chardet's language guess must answer as chardet's own, to the digit.
SCRIPTS = {
    "Régions d'Île-de-France, élus à Besançon; ça coûte 12,50 €": ["utf-8", "cp1252",
                                                                   "latin-1", "utf-16"],
    "Müller über Straße, Größe": ["utf-8", "cp1252", "iso-8859-15"],
    "Москва, Санкт-Петербург, область": ["utf-8", "cp1251", "koi8-r", "iso-8859-5"],
    "Αθήνα, Θεσσαλονίκη": ["utf-8", "iso-8859-7", "cp1253"],
    "東京都千代田区、大阪府": ["utf-8", "shift_jis", "euc-jp", "utf-16-le"],
    "北京市海淀区，上海市": ["utf-8", "gb18030", "big5"],
    "서울특별시 강남구": ["utf-8", "euc-kr"],
    "القاهرة، الإسكندرية": ["utf-8", "cp1256"],
    "tel +33 1 23 45 67 89, ~{note}, a+b-c": ["ascii", "utf-7"],
}


def _encoded_buffers():
    import random

    chance = random.Random(11)
    for text, encodings in SCRIPTS.items():
        for encoding in encodings:
            for rows in (1, 3, 40, 400):
                lines = [f"{i},{text[: chance.randint(1, len(text))]},{i * 7}" for i in range(rows)]
                data = ("id,texte,n\n" + "\n".join(lines) + "\n").encode(encoding, "replace")
                yield data
                yield data[:10000]  # what frictionless reads of a file, cut mid-character
                yield data[: chance.randint(1, len(data))]
    yield b""
    yield b"\xff\xfe\x00\x00" + "a,b\n".encode("utf-32-le")
    yield bytes(chance.randrange(256) for _ in range(3000))  # noise


def test_chardet_without_its_language_guess_answers_as_chardet():
    import chardet
    from frictionless import Detector

    buffers = list(_encoded_buffers())
    assert len(buffers) > 200
    for buffer in buffers:
        ours, theirs = source._encoding_detector(), chardet.UniversalDetector()
        for detector in (ours, theirs):
            for line in buffer.splitlines():
                detector.feed(line)
            detector.close()
        assert ours.result["encoding"] == theirs.result["encoding"], buffer[:80]
        assert ours.result["confidence"] == theirs.result["confidence"], buffer[:80]
        assert source.detect_encoding(buffer) == Detector().detect_encoding(buffer)


def test_a_clean_csv_is_validated_without_importing_frictionless(folder):
    code = (
        "import sys; from pathlib import Path; "
        "from ddet_data.validate.fast.engine import validate_resource_fast as v; "
        f"task = v({resource()!r}, Path({str(folder)!r})); "
        "print(task['valid'], 'frictionless' in sys.modules, 'pandas' in sys.modules)"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.split() == ["True", "False", "False"]


@pytest.mark.parametrize(
    "odd",
    [
        ["2021-02-30"],
        ["2021-02-30", "2021-13-01", "2021-00-10", "2020-02-29", "2019-02-29"],
        [f"2021-02-{day}" for day in range(29, 40)] + ["2021-2-3", " 2021-01-01", "x", ""],
        ["0000-01-01", "2021-04-31"],
    ],
)
def test_dates_cast_again_without_refused_cells_agree_with_strptime(monkeypatch, odd):
    from ddet_data.validate.fast import cells

    column = pa.array(["2020-01-01", "1999-12-31", *odd, "2024-02-29", *odd], pa.string())
    ok, days = cells._iso_dates(column)
    monkeypatch.setattr(cells, "_CAST_RETRIES", 0)
    slow_ok, slow_days = cells._iso_dates(column)
    if slow_ok is True:
        assert ok is True
    else:
        assert ok is not True and ok.to_pylist() == slow_ok.to_pylist()
    kept = [i for i, sure in enumerate(slow_ok.to_pylist() if slow_ok is not True else []) if sure]
    assert [days[i].as_py() for i in kept] == [slow_days[i].as_py() for i in kept]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(["a", "1", "", "x y", '"q"', "b;c", "d,e", "f|g", "h\tk"]),
            min_size=1,
            max_size=5,
        ),  # fmt: skip
        min_size=1,
        max_size=25,
    ),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from([",\t;|", ";", ","]),
)
def test_sniffer_answers_as_pythons(rows, delimiter, candidates):
    """The sniffer that counts only candidate delimiters gives csv.Sniffer's dialect."""
    import csv

    from ddet_data.validate.fast.source import Sniffer

    sample = "\n".join(delimiter.join(cells) for cells in rows) + "\n"

    def sniffed(sniffer):
        try:
            found = sniffer.sniff(sample, candidates)
        except csv.Error as exc:
            return str(exc)
        return (found.delimiter, found.quotechar, found.skipinitialspace, found.doublequote)

    assert sniffed(Sniffer()) == sniffed(csv.Sniffer())


FIXED_PATTERNS = [
    "[A-Z]{2}-[0-9]{4}", r"\d{5}", "[0-9]{9}", r"(\d{2}):(\d{2})", "2A[0-9]", "[^a]b",
    r".\w", "(?:ab){2}", "[a-cX-Z_]{3}", "x{0}y", r"^\d{5}$", r"^W\d{9}$", r"^\d[AB\d]\d{3}$",
    r"^^[0-9]{2}\Z",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    pattern=st.sampled_from(FIXED_PATTERNS),
    cells=st.lists(
        st.one_of(
            st.text(alphabet="AB-0123456789:a_bXyZ\n é٣", max_size=8),
            st.sampled_from(["AB-1234", "75001", "12:30", "2A4", "cb", "ab", "abab", "AB-1234\n",
                             "W123456789", "2A004", "75001\n", "12"]),
        ),
        max_size=30,
    ),
)
def test_fixed_width_patterns_are_sure_only_of_what_python_matches(pattern, cells):
    """The byte-table test may leave a cell unsure, never call sure a cell Python's re
    (as frictionless anchors it) refuses."""
    import re

    from ddet_data.validate.fast.cells import FieldCheck
    from ddet_data.validate.fast.forms import fixed_width_classes

    sure = FieldCheck._pattern_sure(pa.array(cells, pa.string()), pattern)
    assert fixed_width_classes(pattern) is not None
    for cell, ok in zip(cells, sure.to_pylist(), strict=True):
        if ok:
            assert re.match(f"^{pattern}$", cell), (pattern, cell)


@pytest.mark.parametrize(
    "pattern",
    ["a|b", "(?i)ab", r"\w+", "é", "[0-9]{2,3}", r"^([013-9]\d|2[AB1-9])\d{3}$", r"\s", "a$b",
     "a^b", r"^\d{5}$|^\d{9}$"],
)  # fmt: skip
def test_patterns_of_no_fixed_form_go_to_the_regex_engines(pattern):
    from ddet_data.validate.fast.forms import fixed_width_classes

    assert fixed_width_classes(pattern) is None


def test_a_fixed_width_pattern_is_sure_of_the_plain_cells():
    from ddet_data.validate.fast.cells import FieldCheck

    column = pa.array(["AB-1234", "ab-1234", "AB-12345", "", "ZZ-0000", "AB-12٣4"])
    sure = FieldCheck._pattern_sure(column, "[A-Z]{2}-[0-9]{4}").to_pylist()
    assert sure == [True, False, False, False, True, False]


TRICKY_DATETIMES = [
    "2021-02-28T00:00:00", "2021-02-30T00:00:00", "2021-01-01T24:00:00", "2021-01-01T23:59:60",
    "2021-01-01T12:30:60", "0000-01-01T00:00:00", "2021-01-01T00:00:00Z", "2021-01-01 00:00:00",
    "2021-01-01T00:00", "2020-02-29T12:00:00", "2019-02-29T12:00:00", "2021-01-01T25:00:00",
    "2021-01-01T00:00:00+01:00", "2021-13-01T00:00:00", "", "9999-12-31T23:59:59",
    "2021-01-12 12:54:55", "2021-01-12 12:54:55.123456Z", "2021-01-12T12:54:55.1",
    "2021-01-12T12:54:55.1234567", "2019-02-29 10:00:00.5", "2021-01-12t12:54:55",
]  # fmt: skip


@pytest.mark.parametrize("with_refused", [False, True])
def test_datetimes_are_sure_only_where_frictionless_reads_them(with_refused):
    """Through Arrow's cast, and through strptime when the cast refuses some cell."""
    from frictionless import fields

    from ddet_data.validate.fast.cells import _iso_datetimes

    values = [v for v in TRICKY_DATETIMES if with_refused or v[:4] == "2021" and "T" in v]
    values = values if with_refused else [
        "2021-02-28T00:00:00", "2021-01-01T00:00:00Z", "2021-01-12 12:54:55.123456Z"
    ]  # fmt: skip
    reader = fields.DatetimeField(name="d").create_cell_reader()
    sure = _iso_datetimes(pa.array(values, pa.string())).to_pylist()
    for value, ok in zip(values, sure, strict=True):
        if ok:
            assert reader(value)[1] is None, value  # no note: frictionless reads it
    for plain in ("2021-02-28T00:00:00", "2021-01-01T00:00:00Z", "2021-01-12 12:54:55.123456Z"):
        assert sure[values.index(plain)] is True


_ZONED = st.builds(
    lambda head, fraction, zone: head + fraction + zone,
    st.sampled_from(["2021-03-28T02:30:00", "2021-01-01 00:00:00", "2021-02-30T10:00:00",
                     "2020-12-31T23:59:59", "0001-01-01T00:00:00", "2021-06-01t10:00:00"]),
    st.sampled_from(["", ".5", ".123456", ".1234567", "."]),
    st.one_of(st.sampled_from(["", "Z", "z", "+01:00", "-05:30", "+0100", "+01", "-00:00",
                               "+23:59", "+24:00", "+01:60", "+1:00", " +01:00", "+01:0"]),
              st.text("+-0123456789:Z", max_size=6)),
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_ZONED, min_size=1, max_size=8))
def test_zoned_datetimes_are_sure_only_where_frictionless_reads_them_and_keyed_alike(values):
    """An offset (+01:00, +0100, +01) or a Z: sure only of what frictionless's reader
    takes, and keyed as the instant it reads (10:00+01:00 is 09:00Z)."""
    from frictionless import fields

    from ddet_data.validate.fast.cells import _iso_datetime_keys, _iso_datetimes, datetime_key

    reader = fields.DatetimeField(name="d").create_cell_reader()
    sure = _iso_datetimes(pa.array(values, pa.string())).to_pylist()
    read = [c for c, ok in zip(values, sure, strict=True) if ok]
    for value in read:
        assert reader(value)[1] is None, value
    if read:
        keys = _iso_datetime_keys(pa.array(read, pa.string())).tolist()
        assert keys == [datetime_key(reader(value)[0]) for value in read]
    for value in values:
        if value.startswith("2021-01-01 00:00:00") and value[19:] in ("+01:00", "-0530", ""):
            assert sure[values.index(value)] is True, value


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.sampled_from(["agent@mairie.fr", "Agent.Dupont@Mairie-Rennes.FR", "a..b@x.fr", "a@b.c",
                     "ab@x.fr1", "AB@XY.FR", "AB@X.FR", "a_b-c@x-y.org", "-ab@x.fr", "ab@-x.fr",
                     "ab@x_y.fr", "ab@cd@xy.fr", "ab.@xy.fr", "ab@xy..fr", "a.-b@x.fr",
                     "a_-b@x.fr", ".ab@x.fr", "a.b.c@xy.fr", "a.b@x.b.fr",
                     "a" * 64 + "@xy.fr", "a" * 65 + "@xy.fr", "ab@" + "b" * 63 + ".fr",
                     "ab@" + "b" * 64 + ".fr"]),
    st.text("aZ09._-@", min_size=3, max_size=14),
    # names and domains about their limits (64 and 63 characters)
    st.builds("{}@{}.fr".format, st.text("a.", min_size=1, max_size=80),
              st.text("b-", min_size=1, max_size=80)),
), min_size=1, max_size=8))  # fmt: skip
def test_emails_are_sure_only_where_frictionless_reads_them(values):
    from frictionless import fields

    from ddet_data.validate.fast.cells import FieldCheck
    from ddet_data.validate.fast.schema import FieldSpec

    reader = fields.StringField(name="e", format="email").create_cell_reader()
    check = FieldCheck(FieldSpec(name="e", type="string", format="email"), 0)
    column = pa.array(values, pa.string())
    sure = check.sure_mask(column, check.missing_mask(column)).to_pylist()
    for value, ok in zip(values, sure, strict=True):
        if ok and value:
            assert reader(value)[1] is None, value
    for plain in ("agent@mairie.fr", "Agent.Dupont@Mairie-Rennes.FR", "AB@XY.FR", "a.b.c@xy.fr"):
        if plain in values:
            assert sure[values.index(plain)] is True, plain


def test_a_dictionary_column_with_small_indices_and_nulls(tmp_path):
    """128 values and a null in a dictionary<int8>: the empty cell's entry is number 128."""
    import pyarrow.parquet as pq

    column = pa.array([str(i) for i in range(128)] + [None])
    table = pa.table({"a": column.cast(pa.dictionary(pa.int8(), pa.string()))})
    pq.write_table(table, tmp_path / "d.parquet")
    found = validate_resource_fast(
        {"name": "d", "path": "d.parquet", "format": "parquet",
         "schema": {"fields": [{"name": "a", "type": "integer"}]}}, tmp_path
    )  # fmt: skip
    assert [(e["type"], e["rowNumber"]) for e in found["errors"]] == [("blank-row", 130)]


def test_a_one_byte_encoding_is_read_and_a_byte_it_cannot_decode_hands_over(tmp_path):
    from ddet_data.validate import validate_paths

    rows = [f"{i},Besançon Nîmes Orléans" for i in range(6000)]
    data = ("\r\n".join(["id,nom", *rows]) + "\r\n").encode("cp1252")
    (tmp_path / "ok.csv").write_bytes(data)
    (tmp_path / "bad.csv").write_bytes(data + b"6000,caf\x81\r\n")  # 0x81: none in cp1252
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "nom", "type": "string"}]}
    for name in ("ok", "bad"):
        descriptor = {"name": name, "path": f"{name}.csv", "encoding": "cp1252", "schema": schema}
        (tmp_path / f"{name}.resource.json").write_text(json.dumps(descriptor), encoding="utf-8")
    ok = validate_paths([tmp_path / "ok.resource.json"])
    assert ok["valid"] and ok["warnings"] == [] and ok["tasks"][0]["stats"]["rows"] == 6000
    bad = validate_paths([tmp_path / "bad.resource.json"])
    assert "not all cp1252" in bad["warnings"][0]
    assert [e["type"] for e in bad["tasks"][0]["errors"]] == ["encoding-error"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.sampled_from(["2023-12-25 22:04:46", "2024-02-29T00:00:00", "2023-02-29 00:00:00",
                     "2023-12-31 23:59:60", "2023-12-31 24:00:00", "0000-01-01 00:00:00",
                     "9999-12-31 23:59:59", "2023-1a-10 10:00:00", "2023-12-10 10:00:0Z",
                     "2023-12-10x10:00:00", "2023-12-10 10:00:00"]),
    st.text("0123456789-: T+Za", min_size=19, max_size=19),
), min_size=1, max_size=6))  # fmt: skip
def test_plain_iso_seconds_agree_with_the_datetime_forms(values):
    from ddet_data.validate.fast import cells

    column = pa.array(values, pa.string())
    quick = cells._plain_iso_seconds(column)
    if quick is not None:
        assert quick.to_pylist() == cells._iso_datetimes_by_form(column).to_pylist()
