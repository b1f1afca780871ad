"""Paths outside the current folder: refused as stock `frictionless validate` refuses them,
read with --trusted as `frictionless validate --trusted` reads them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from frictionless import helpers
from hypothesis import given
from hypothesis import strategies as st

from ddet_data.cli.main import cli
from ddet_data.validate.path_safety import is_safe_path

FRICTIONLESS = str(Path(sys.executable).parent / "frictionless")


@given(st.one_of(
    st.text("ab./~$%:\\HOME_ ", max_size=12),
    st.sampled_from(["a/../b", "..", "../", "a..", "a../b", "~x", "$HOME/x", "$NOPE_X/y",
                     "x$HOME", "%APPDATA%\\x", "file:///etc/x", "file:x", "https://e.org/x.csv",
                     "/abs", "./x", "x/./y", "s3://bucket/x"]),
))  # fmt: skip
def test_safe_paths_are_frictionless_safe_paths(path):
    assert is_safe_path(path) == bool(helpers.is_safe_path(path))


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """a/ holding a CSV, its schema and packages pointing inside and outside; cwd a/."""
    folder = tmp_path / "a"
    (folder / "b").mkdir(parents=True)
    (folder / "data.csv").write_text("id,name\n1,x\n2,y\n", encoding="utf-8")
    (folder / "bad.csv").write_text("id,name\nx,y\n", encoding="utf-8")
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]}
    (folder / "schema.json").write_text(json.dumps(schema), encoding="utf-8")
    inside = {"name": "p", "resources": [{"name": "d", "path": "data.csv",
                                          "schema": "schema.json"}]}  # fmt: skip
    outside = {"name": "p", "resources": [{"name": "d", "path": "../bad.csv",
                                           "schema": "../schema.json"}]}  # fmt: skip
    (folder / "datapackage.json").write_text(json.dumps(inside), encoding="utf-8")
    (folder / "b" / "datapackage.json").write_text(json.dumps(outside), encoding="utf-8")
    monkeypatch.chdir(folder)
    return folder


def findings(report: dict) -> list[tuple]:
    every = report.get("errors", []) + [e for t in report["tasks"] for e in t["errors"]]
    return sorted((e["type"], e.get("rowNumber"), e.get("fieldName"), e.get("note")) for e in every)


def both(args: list[str], trusted: bool = False) -> tuple[dict, dict]:
    flag = ["--trusted"] if trusted else []
    ours = CliRunner().invoke(cli, ["validate", "--json", *args, *flag])
    theirs = subprocess.run([FRICTIONLESS, "validate", "--json", *args, *flag],
                            capture_output=True, text=True, cwd=os.getcwd())  # fmt: skip
    assert ours.exit_code == (0 if theirs.returncode == 0 else 3), ours.output
    return json.loads(ours.output), json.loads(theirs.stdout)


@pytest.mark.parametrize(
    "args",
    [
        ["{folder}/data.csv"],
        ["../a/bad.csv", "--schema", "schema.json"],
        ["bad.csv", "--schema", "{folder}/schema.json"],
        ["b/../bad.csv"],
        ["b/datapackage.json"],
        ["{folder}/datapackage.json"],  # a package's own path is not checked, its resources' are
        ["data.csv", "--schema", "./schema.json"],
    ],
)
@pytest.mark.parametrize("trusted", [False, True])
def test_paths_are_refused_or_read_as_frictionless_does(tree, args, trusted):
    args = [arg.format(folder=tree) for arg in args]
    ours, theirs = both(args, trusted)
    assert findings(ours) == findings(theirs)
    assert ours["valid"] == theirs["valid"]


def test_a_refused_path_says_how_to_read_it(tree):
    args = ["validate", str(tree / "bad.csv"), "--schema", "schema.json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 3
    assert f'path "{tree / "bad.csv"}" is not safe' in result.output
    assert "--trusted reads it" in result.output
    trusted = CliRunner().invoke(cli, [*args, "--trusted"])
    assert trusted.exit_code == 3 and "type-error" in trusted.output


@pytest.mark.parametrize("pattern", ["*.csv", "[table].csv", "d?ta.csv"])
def test_a_pattern_is_validated_as_the_files_it_matches_as_frictionless_does(tree, pattern):
    (tree / "[table].csv").write_text("id\n1\n", encoding="utf-8")  # a name that is a pattern
    ours, theirs = both([pattern])
    assert findings(ours) == findings(theirs)
    assert len(ours["tasks"]) == len(theirs["tasks"])
    assert "a pattern" in ours["warnings"][0]


def test_a_folder_without_a_package_is_its_files_as_frictionless_reads_it(tree):
    (tree / "bare").mkdir()
    (tree / "bare" / "one.csv").write_text("id,name\n1,x\n", encoding="utf-8")
    (tree / "bare" / "two.csv").write_text("id\n1\n2,3\n", encoding="utf-8")
    ours, theirs = both(["bare"])
    assert findings(ours) == findings(theirs)
    assert len(ours["tasks"]) == len(theirs["tasks"])


@pytest.mark.parametrize("path", ["$PWD/data.csv", "~/data.csv", "%HOME%/data.csv"])
@pytest.mark.parametrize("trusted", [False, True])
def test_a_path_written_with_a_variable_is_reported_as_frictionless_reports_it(
    tree, path, trusted
):
    # As a script or a Makefile may pass it, unexpanded by any shell
    ours, theirs = both([path], trusted)
    assert findings(ours) == findings(theirs) != []
