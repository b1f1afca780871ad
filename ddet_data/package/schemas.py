"""Load the Table Schemas in schemas/ and lint them against the project's rules.

Lint is offline and returns findings (strings naming file and field) rather than
raising: a person fixing schemas wants every problem at once.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from frictionless import Field, Schema

from ..errors import SchemaError

REQUIRED_METADATA = (
    "name",
    "title",
    "description",
    "version",
    "contributors",
    "created",
    "lastModified",
)
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9_]*$")


def load_schema(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SchemaError(f"{path}:{exc.lineno}: malformed JSON: {exc.msg}") from exc
    except OSError as exc:
        raise SchemaError(f"{path}: cannot read schema: {exc.strerror}") from exc


def load_schemas(schemas_dir: Path, tables: list[str]) -> dict[str, dict]:
    """The schema of every named table; a missing one is an error naming the file."""
    schemas = {}
    for table in tables:
        path = schemas_dir / f"{table}.json"
        if not path.exists():
            raise SchemaError(f"{path}: missing schema for table {table!r}")
        schemas[table] = load_schema(path)
    return schemas


def lint_schema(path: Path, schema: dict, package_tables: list[str] | None) -> list[str]:
    """Every finding for one schema, each prefixed with the file (and field) it concerns."""
    findings = [f"{path}: {error.message}" for error in Schema.metadata_validate(schema)]
    for key in REQUIRED_METADATA:
        if not schema.get(key):
            findings.append(f"{path}: missing metadata {key!r}")
    if schema.get("name") and schema["name"] != path.stem:
        findings.append(f"{path}: name {schema['name']!r} differs from the file name")
    if schema.get("version") and not SEMVER.match(str(schema["version"])):
        findings.append(f"{path}: version {schema['version']!r} is not semver (x.y.z)")
    for key in ("created", "lastModified"):
        if schema.get(key) and not ISO_DATE.match(str(schema[key])):
            findings.append(f"{path}: {key} {schema[key]!r} is not a date (YYYY-MM-DD)")
    if not schema.get("primaryKey"):
        findings.append(f"{path}: no primaryKey")
    names = [field.get("name") for field in schema.get("fields", [])]
    for key in schema.get("primaryKey", []):
        if key not in names:
            findings.append(f"{path}: primaryKey field {key!r} is not a field")
    for field in schema.get("fields", []):
        findings += [f"{path}: field {field.get('name')!r}: {f}" for f in lint_field(field)]
    findings += lint_foreign_keys(path, schema, package_tables)
    return findings


def lint_field(field: dict) -> list[str]:
    findings = []
    if not SNAKE_CASE.match(field.get("name", "")):
        findings.append("name is not snake_case")
    for key in ("title", "description"):
        if not str(field.get(key, "")).strip():
            findings.append(f"missing {key} (in French)")
    constraints = field.get("constraints", {})
    if "required" not in constraints:
        findings.append("constraints.required must be stated (true or false)")
    if "example" not in field:
        findings.append("missing example")
    else:
        findings += lint_example(field)
    if "enum" in constraints:
        documented = field.get("enumDescriptions", {})
        for value in constraints["enum"]:
            if not str(documented.get(value, "")).strip():
                findings.append(f"enum value {value!r} has no description in enumDescriptions")
        for value in documented:
            if value not in constraints["enum"]:
                findings.append(f"enumDescriptions documents {value!r}, which is not in the enum")
    return findings


def lint_example(field: dict) -> list[str]:
    try:
        _, notes = Field.from_descriptor(field).read_cell(str(field["example"]))
    except Exception as exc:  # frictionless raises its own errors on a bad field descriptor
        return [f"cannot check example: {exc}"]
    if notes:
        return [f"example {field['example']!r} fails: {'; '.join(notes.values())}"]
    return []


def lint_foreign_keys(path: Path, schema: dict, package_tables: list[str] | None) -> list[str]:
    findings = []
    names = {field.get("name") for field in schema.get("fields", [])}
    for foreign_key in schema.get("foreignKeys", []):
        for name in foreign_key.get("fields", []):
            if name not in names:
                findings.append(f"{path}: foreign key field {name!r} is not a field")
        target = foreign_key.get("reference", {}).get("resource", "")
        if package_tables is not None and target and target not in package_tables:
            findings.append(
                f"{path}: foreign key points to {target!r}, which is not a table of the same "
                "package (say a cross-package reference in the field's description instead)"
            )
    return findings


def lint_schemas(schemas_dir: Path, packages: dict[str, list[str]]) -> list[str]:
    """Lint every schema file, and check that packages and schemas match one to one."""
    table_package = {table: name for name, tables in packages.items() for table in tables}
    findings = []
    files = sorted(schemas_dir.glob("*.json"))
    for path in files:
        if path.stem not in table_package:
            findings.append(f"{path}: schema is not used by any package (sources/packages.yaml)")
        try:
            schema = load_schema(path)
        except SchemaError as exc:
            findings.append(str(exc))
            continue
        package = table_package.get(path.stem)
        findings += lint_schema(path, schema, packages.get(package) if package else None)
    present = {path.stem for path in files}
    for table, package in table_package.items():
        if table not in present:
            missing = schemas_dir / f"{table}.json"
            findings.append(f"{missing}: missing schema for table {table!r} of {package}")
    for tables in packages.values():
        findings += check_foreign_key_targets(schemas_dir, tables)
    return findings


def check_foreign_key_targets(schemas_dir: Path, tables: list[str]) -> list[str]:
    """A foreign key must name fields that exist in the table it points to."""
    findings = []
    for table in tables:
        path = schemas_dir / f"{table}.json"
        if not path.exists():
            continue
        try:
            schema = load_schema(path)
        except SchemaError:
            continue
        for foreign_key in schema.get("foreignKeys", []):
            reference = foreign_key.get("reference", {})
            target = schemas_dir / f"{reference.get('resource')}.json"
            if not target.exists():
                continue
            target_names = {f.get("name") for f in load_schema(target).get("fields", [])}
            for name in reference.get("fields", []):
                if name not in target_names:
                    findings.append(
                        f"{path}: foreign key points to {reference.get('resource')}.{name}, "
                        "which does not exist"
                    )
    return findings
