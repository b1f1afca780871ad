"""Hand-written cases modelled on real inputs, compared with stock frictionless finding by finding.

Each folder of tests/real_cases is one case (cases.json says which file, schema and kind):
invalid schemas and dialects (frictionless's error types, exit 3), CSV files without a
schema (frictionless infers one), a comment or title above the header, French schemas
in schema.data.gouv.fr's style with valid and invalid examples, a package with a foreign
key, a package in YAML with its dialect given as a path, gzip and bzip2 files, and what
frictionless alone validates (a schema given as the data, a foreign key to a resource
without its package). Stock frictionless is asked exactly what `frictionless validate
--json [--schema S] [--type T] DATA` asks it, from the case's folder; `engine` says who
must have spoken: the fast engine alone, or frictionless (and the report then says so).
"""

from __future__ import annotations

import collections
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from frictionless import FrictionlessException, Report, Resource

from ddet_data.cli.main import cli
from ddet_data.validate import validate_paths

CASES = Path(__file__).parent / "real_cases"
SPECS = json.loads((CASES / "cases.json").read_text(encoding="utf-8"))


def stock_frictionless(folder: Path, spec: dict, monkeypatch) -> dict:
    """`frictionless validate --json` run in the case's folder, as its CLI builds the call."""
    monkeypatch.chdir(folder)
    kind = spec["kind"] if spec["kind"] in ("package", "resource") else None
    try:
        resource = Resource(source=spec["data"], schema=spec["schema"], datatype=kind)
        report = resource.validate()
    except FrictionlessException as exc:
        report = Report.from_validation(errors=exc.reasons or [exc.error])
    return report.to_dict()


def findings(report: dict, by_task: bool) -> collections.Counter:
    found = collections.Counter()
    for error in report["errors"]:
        found[("", error["type"], error.get("rowNumber"), error.get("fieldName"))] += 1
    for task in report["tasks"]:
        name = task["name"] if by_task else ""
        for error in task["errors"]:
            field = error.get("fieldName", error.get("fieldNumber"))
            found[(name, error["type"], error.get("rowNumber"), field)] += 1
    return found


@pytest.mark.parametrize("case", sorted(SPECS))
def test_same_findings_as_frictionless(case, monkeypatch):
    spec = SPECS[case]
    folder = CASES / case
    schema = folder / spec["schema"] if spec["schema"] else None
    ours = validate_paths([folder / spec["data"]], schema=schema)
    reference = stock_frictionless(folder, spec, monkeypatch)
    by_task = spec["kind"] == "package"
    assert findings(ours, by_task) == findings(reference, by_task)
    assert ours["valid"] == reference["valid"]
    if spec["engine"] == "fast":
        assert ours["warnings"] == []  # a warning names what went to frictionless
    else:
        assert any("validated with frictionless" in w for w in ours["warnings"])


def test_every_case_finds_something_but_the_valid_one():
    # The comparison above could pass on empty reports: these are not.
    for case, spec in SPECS.items():
        folder = CASES / case
        schema = folder / spec["schema"] if spec["schema"] else None
        report = validate_paths([folder / spec["data"]], schema=schema)
        assert report["valid"] is (case == "covoiturage-valide"), case


@pytest.mark.parametrize(
    ("case", "error_type"),
    [
        ("schema-required-top-level", "field-error"),
        ("schema-example-invalid", "field-error"),
        ("schema-name-pattern", "schema-error"),
        ("schema-bad-type", "field-error"),
        ("dialect-bad-delimiter", "control-error"),
        ("package-invalid", "resource-error"),
    ],
)
def test_invalid_descriptors_exit_3_with_frictionless_error_types(case, error_type):
    spec = SPECS[case]
    folder = CASES / case
    args = ["validate", "--json", str(folder / spec["data"])]
    if spec["schema"]:
        args += ["--schema", str(folder / spec["schema"])]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 3, result.output
    report = json.loads(result.output)
    types = {e["type"] for e in report["errors"]} | {
        e["type"] for task in report["tasks"] for e in task["errors"]
    }
    assert error_type in types
