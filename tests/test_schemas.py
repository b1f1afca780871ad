"""Schema lint: the repository's schemas pass, and each rule catches what it should."""

import copy
import json
from pathlib import Path

import pytest

from ddet_data.package.schemas import lint_schemas
from ddet_data.project import Project, load_specs

ROOT = Path(__file__).parent.parent
TEMPLATE = json.loads((ROOT / "schemas" / "issue_items.json").read_text(encoding="utf-8"))


def test_repository_schemas_pass_lint():
    packages = {name: spec.tables for name, spec in load_specs(Project(ROOT)).items()}
    assert lint_schemas(ROOT / "schemas", packages) == []


def lint_one(tmp_path, schema, tables=("issue_items", "issues")):
    for table in tables:
        source = (
            schema
            if table == "issue_items"
            else json.loads((ROOT / "schemas" / f"{table}.json").read_text())
        )
        (tmp_path / f"{table}.json").write_text(json.dumps(source, ensure_ascii=False))
    return lint_schemas(tmp_path, {"ddet-newsletter": list(tables)})


def field(schema, name):
    return next(f for f in schema["fields"] if f["name"] == name)


def broken(change):
    schema = copy.deepcopy(TEMPLATE)
    change(schema)
    return schema


def test_template_passes(tmp_path):
    assert lint_one(tmp_path, TEMPLATE) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda s: field(s, "title").pop("description"), "field 'title': missing description"),
        (
            lambda s: field(s, "position").update(example="zéro"),
            'example value "zéro" for field "position" is not valid',
        ),
        (lambda s: field(s, "position").update(example="0"), "field 'position': example '0' fails"),
        (
            lambda s: field(s, "url")["constraints"].pop("required"),
            "constraints.required must be stated",
        ),
        (
            lambda s: field(s, "title")["constraints"].update(enum=["a"]),
            "enum value 'a' has no description",
        ),
        (lambda s: s.pop("lastModified"), "missing metadata 'lastModified'"),
        (lambda s: s.update(version="1.0"), "is not semver"),
        (lambda s: s.update(primaryKey=[]), "no primaryKey"),
        (
            lambda s: s["foreignKeys"][0]["reference"].update(resource="organizations"),
            "not a table of the same package",
        ),
        (
            lambda s: s["foreignKeys"][0]["reference"].update(fields=["number"]),
            "issues.number, which does not exist",
        ),
    ],
)
def test_each_rule_catches_its_case(tmp_path, change, expected):
    findings = lint_one(tmp_path, broken(change))
    assert any(expected in finding for finding in findings), findings


def test_unused_and_missing_schemas(tmp_path):
    (tmp_path / "orphan.json").write_text(json.dumps(TEMPLATE | {"name": "orphan"}))
    findings = lint_schemas(tmp_path, {"ddet-newsletter": ["issues"]})
    assert any("orphan.json: schema is not used by any package" in f for f in findings)
    assert any("issues.json: missing schema for table 'issues'" in f for f in findings)
