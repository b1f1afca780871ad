"""Patterns matched by RE2 as Python's re matches them (`validate/fast/patterns.py`)."""

from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddet_data.validate.fast.patterns import re2_pattern

sys.path.insert(0, str(Path(__file__).parent))
from test_fast_equivalence import assert_same, package_of  # noqa: E402

ATOMS = ["a", "b", "1", "-", ".", r"\d", r"\D", r"\w", r"\W", r"\s", r"\S", "[a-c]", "[^a]",
         r"\B", r"\A", r"\Z", "^", "$", "(?#(()",
         r"[\d\s]", "[[:digit:]]", r"\.", r"\b", "x", " ", r"\t", "[A-Z]", "é", r"\x0b",
         r"\pN", "(?i)a", "(?i:a)", r"(a)\1", "(?=a)", "a++"]  # fmt: skip
QUANTIFIERS = ["", "", "*", "+", "?", "{2}", "{,3}", "{1,}", "{0,2}", "*?", "{2,3}?"]
# ASCII cells without line breaks: the only ones RE2 is trusted with
CELLS = st.text("ab1-. x\t\x0b\x1cA9_Zc", max_size=6)


@st.composite
def patterns(draw, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 2 and draw(st.integers(0, 3)) == 0:
            inner = draw(patterns(depth + 1))
            if draw(st.booleans()):
                inner += "|" + draw(patterns(depth + 1))
            atom = f"({inner})" if draw(st.booleans()) else f"(?:{inner})"
        else:
            atom = draw(st.sampled_from(ATOMS))
        parts.append(atom + draw(st.sampled_from(QUANTIFIERS)))
    return "".join(parts)


@settings(max_examples=500, deadline=None)
@given(
    pattern=st.one_of(patterns(), st.builds("{}|{}".format, patterns(), patterns())),
    cells=st.lists(CELLS, min_size=1, max_size=20),
)
def test_re2_spelling_matches_as_python_re(pattern, cells):
    spelled = re2_pattern(pattern)
    if spelled is None:
        return  # left to the cell reader
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        python = re.compile(f"^{pattern}$")  # as frictionless compiles it
    got = pc.match_substring_regex(pa.array(cells, pa.string()), spelled).to_pylist()
    assert got == [python.match(cell) is not None for cell in cells], (pattern, spelled)


@pytest.mark.parametrize(
    ("pattern", "spelled"),
    [("[0-9]{5}", True), (r"\S+", True), ("a{,3}", True), ("[[:digit:]]+", True),
     ("(?#(()ab|cd", True), (r"\B", False),
     ("^a|b$", True), (r"(a)\1", False), ("(?i)abc", False), (r"\pN+", False),
     ("(?=a)a", False), ("a{2000}", False)],
)  # fmt: skip
def test_what_has_a_twin_in_re2(pattern, spelled):
    assert (re2_pattern(pattern) is not None) is spelled


@pytest.mark.parametrize(
    ("field", "cells"),
    [
        ({"type": "string", "constraints": {"pattern": r"\S+"}}, ["ab", "a\x0bb", "a\x1cb"]),
        ({"type": "string", "constraints": {"pattern": "a{,3}"}}, ["", "aa", "a{,3}", "aaaa"]),
        ({"type": "string", "constraints": {"pattern": "[[:digit:]]+"}}, ["123", ":", "[d]"]),
        ({"type": "string", "constraints": {"pattern": "(?#(()ab|cd"}}, ["ab", "xcd", "abx"]),
        # "^[0-9]{2}|2[AB]$" as frictionless anchors it: 823 passes, x2A does not
        ({"type": "string", "constraints": {"pattern": "[0-9]{2}|2[AB]"}},
         ["82", "2A", "823", "x2A", "8", ""]),
        ({"type": "string", "format": "email"}, ["jean.dupont@example.fr",
                                                  "jean..dupont@example.fr"]),
        ({"type": "number"}, ["1.5", "nan", "nan(1)", "NAN(abc)", "inf"]),
    ],
)  # fmt: skip
def test_cells_regex_engines_read_apart_agree_with_frictionless(tmp_path, field, cells):
    lines = ["x", *[f'"{cell}"' for cell in cells]]
    (tmp_path / "data.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # frictionless's own "possible nested set"
        assert_same(package_of(tmp_path / "data.csv", {"fields": [{"name": "x", **field}]}),
                    "table", tmp_path)  # fmt: skip


def test_a_top_level_alternation_is_matched_for_the_whole_column():
    """A departement code ("[0-9]{2}|2[AB]") is not left to the cell reader: RE2 is
    given the pattern as Python reads it, the first branch anchored at the start only."""
    from ddet_data.validate.fast.cells import FieldCheck
    from ddet_data.validate.fast.schema import FieldSpec

    codes = pa.array(["82", "2A", "823", "x2A", "8"] * 1000)
    spec = FieldSpec(name="d", type="string", constraints={"pattern": "[0-9]{2}|2[AB]"})
    check = FieldCheck(spec, 0)
    sure = check.sure_mask(codes, check.missing_mask(codes)).to_pylist()
    assert sure[:5] == [True, True, True, False, False] and sum(sure) == 3000
