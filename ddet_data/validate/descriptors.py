"""Is a package, resource or schema descriptor valid as frictionless 5 says?

Importing frictionless costs a fraction of a second, more than validating a small
package. So the plain descriptors this project writes (and those like them) are proven
valid here, by a strict reading of the properties frictionless's profiles and checks
know; a property read here but unknown to us, a value of another type, an example, a
name: anything this reading cannot vouch for, and frictionless is asked. It only has to
be sound: `certainly_valid` may answer False for a valid descriptor, never True for an
invalid one.
"""

from __future__ import annotations

import re
from typing import Any

from .fast.schema import read_light_schema

NAME = re.compile(r"^([-a-z0-9._/])+$")  # frictionless's NAME_PATTERN (v1 names)
DATETIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")
V1_PROFILES = {
    "package": {"https://specs.frictionlessdata.io/schemas/data-package.json"},
    "schema": {"https://frictionlessdata.io/schemas/table-schema.json",
               "https://specs.frictionlessdata.io/schemas/table-schema.json"},
}  # fmt: skip
PEOPLE_KEYS = {
    "licenses": {"name", "path", "title"},
    "contributors": {"title", "path", "organisation", "role"},
    "sources": {"title", "path"},
}
PACKAGE_TEXT = {"title", "description", "homepage", "version", "image"}
RESOURCE_TEXT = {"title", "description", "mediatype", "sha1", "table"}
# What frictionless's Table Schema profile and checks read; any other property is kept
# as custom metadata, whatever its value ("input rules", "Status", "definitions"...).
SCHEMA_PROFILE = {"name", "type", "title", "description", "fields", "fieldsMatch",
                  "missingValues", "primaryKey", "foreignKeys", "$schema", "profile"}  # fmt: skip
FIELD_FREE = {"enumDescriptions", "rdfType"}
HASH = re.compile(r"^(sha256:[0-9a-f]{64}|md5:[0-9a-f]{32}|[0-9a-f]{32})$")


def resources_of(package: dict) -> list:
    """A package's resources, none when its descriptor holds no list of them."""
    resources = package.get("resources")
    return resources if isinstance(resources, list) else []


def certainly_valid_package(package: dict) -> bool:
    """True only when frictionless would find nothing wrong with the package's metadata."""
    if not isinstance(package, dict) or set(package) - {
        "$schema", "name", "resources", "created", "keywords", *PACKAGE_TEXT, *PEOPLE_KEYS
    }:  # fmt: skip
        return False
    if "$schema" in package and package["$schema"] not in V1_PROFILES["package"]:
        return False
    if "name" in package and not _name(package["name"]):
        return False
    if not all(isinstance(package[key], str) for key in PACKAGE_TEXT & set(package)):
        return False
    if "created" in package and not (
        isinstance(package["created"], str) and DATETIME.match(package["created"])
    ):
        return False
    keywords = package.get("keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        return False
    for key, allowed in PEOPLE_KEYS.items():
        items = package.get(key, [])
        if not isinstance(items, list) or not all(_people(item, allowed) for item in items):
            return False
        if key == "licenses" and not all(item.get("name") or item.get("path") for item in items):
            return False
    resources = package.get("resources")
    if not isinstance(resources, list) or not resources:
        return False
    names = [resource.get("name") for resource in resources if isinstance(resource, dict)]
    if len(names) != len(resources) or not all(isinstance(name, str) for name in names):
        return False
    if len(set(names)) != len(names):
        return False
    return all(certainly_valid_resource(resource) for resource in resources)


def certainly_valid_resource(resource: dict) -> bool:
    allowed = {"name", "type", "path", "format", "encoding", "schema", "bytes", "hash",
               *RESOURCE_TEXT}  # fmt: skip
    if not isinstance(resource, dict) or set(resource) - allowed:
        return False
    if not _name(resource.get("name")) or resource.get("type", "table") not in ("table", "file"):
        return False
    if not all(isinstance(resource[key], str) for key in RESOURCE_TEXT & set(resource)):
        return False
    path = resource.get("path")
    if not isinstance(path, str) or not _safe_path(path):
        return False
    if resource.get("format", "csv") not in ("csv", "parquet"):
        return False
    if resource.get("encoding", "utf-8") != "utf-8":
        return False
    if "bytes" in resource and not (
        isinstance(resource["bytes"], int) and not isinstance(resource["bytes"], bool)
    ):
        return False
    if "hash" in resource and not (
        isinstance(resource["hash"], str) and HASH.match(resource["hash"])
    ):
        return False
    if "schema" in resource:
        return certainly_valid_schema(resource["schema"])
    return resource.get("type", "table") == "file"


def certainly_valid_schema(schema: Any) -> bool:
    """True only when frictionless would find nothing wrong with this Table Schema."""
    if not isinstance(schema, dict):
        return False
    if "$schema" in schema and schema["$schema"] not in V1_PROFILES["schema"]:
        return False
    if "name" in schema and not _name(schema["name"]):
        return False
    for key in ("title", "description"):
        if key in schema and not isinstance(schema[key], str):
            return False
    missing = schema.get("missingValues", [""])
    if not isinstance(missing, list) or not all(isinstance(value, str) for value in missing):
        return False  # the object form has rules of its own (a datapackage v2 addition)
    core = {key: value for key, value in schema.items() if key in SCHEMA_PROFILE}
    fields = core.get("fields")
    if not isinstance(fields, list) or not fields:
        return False
    for field in fields:
        if not isinstance(field, dict) or any(
            key in (field.get("constraints") or {})
            for key in ("exclusiveMinimum", "exclusiveMaximum")  # a datapackage v2 addition
        ):
            return False
        for key in ("title", "description"):
            if key in field and not isinstance(field[key], str):
                return False
        if "rdfType" in field and not isinstance(field["rdfType"], str):
            return False
    bare = {**core, "fields": [{k: v for k, v in f.items() if k not in FIELD_FREE} for f in fields]}
    light = read_light_schema(bare)
    if light is None:
        return False
    names = [spec.name for spec in light.fields]
    if not set(light.primary_key) <= set(names):
        return False
    for fk in light.foreign_keys:
        if not set(fk["fields"]) <= set(names):
            return False
        if len(fk["fields"]) != len(fk["reference"]["fields"]):
            return False
    return all(
        _example_valid(field, spec) for field, spec in zip(fields, light.fields, strict=True)
    )


def _example_valid(field: dict, spec) -> bool:
    """frictionless reads a field's example with a field of its type and format alone."""
    example = field.get("example")
    if not example:
        return True
    if spec.type == "string" and spec.format in ("default", None):
        return isinstance(example, str)
    if spec.type == "integer" and type(example) is int:
        return True
    if spec.type == "number" and type(example) in (int, float):
        return True
    if spec.type == "boolean" and type(example) is bool:
        return True
    if not isinstance(example, str):
        return False
    import pyarrow as pa

    from .fast.cells import FieldCheck
    from .fast.engine import skip_pandas_probe
    from .fast.schema import FieldSpec

    skip_pandas_probe()

    alone = FieldSpec(name=spec.name, type=spec.type, format=spec.format,
                      true_values=spec.true_values, false_values=spec.false_values)  # fmt: skip
    check = FieldCheck(alone, 0)
    column = pa.array([example], pa.string())
    return bool(check.sure_mask(column, check.missing_mask(column))[0].as_py())


def _name(value: Any) -> bool:
    return isinstance(value, str) and bool(NAME.match(value))


def _people(item: Any, allowed: set[str]) -> bool:
    return (
        isinstance(item, dict)
        and not set(item) - allowed
        and all(isinstance(value, str) for value in item.values())
    )


def _safe_path(path: str) -> bool:
    return (
        bool(path)
        and not path.startswith(("/", "\\", "~"))
        and "://" not in path
        and ".." not in path.replace("\\", "/").split("/")
    )
