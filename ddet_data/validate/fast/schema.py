"""A Table Schema as the fast engine reads it, without importing frictionless.

Importing frictionless takes ~0.2 s, a sixth of a clean run. A schema made only of
the properties listed here (each with the type frictionless's profile asks for) is
read here with frictionless's defaults; frictionless's own field is built, and the
package imported, only when a cell, a bound or an enum must go through its reader and
`readers` has none of its own for the field. Any other schema is read by frictionless itself
(`FieldSpec.from_frictionless`), as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_CONSTRAINTS = {
    "string": {"required", "unique", "minLength", "maxLength", "pattern", "enum"},
    "boolean": {"required", "unique", "enum"},
    "any": {"required", "unique", "enum"},
    "geopoint": {"required", "unique", "enum"},
    **{kind: {"required", "unique", "minimum", "maximum", "exclusiveMinimum",
              "exclusiveMaximum", "enum"}
       for kind in ("integer", "number", "date", "datetime", "time", "year", "yearmonth")},
}  # fmt: skip
_FIELD_KEYS = {"name", "type", "format", "title", "description", "example", "constraints",
               "trueValues", "falseValues", "bareNumber", "decimalChar", "groupChar"}  # fmt: skip
_SCHEMA_KEYS = {"fields", "primaryKey", "foreignKeys", "missingValues", "$schema", "name",
                "title", "description"}  # fmt: skip
# frictionless 5's defaults (tests/test_fast_engine.py holds them to frictionless's).
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]
MISSING_VALUES = [""]


@dataclass
class FieldSpec:
    """What the fast engine reads of a field; frictionless's field on demand."""

    name: str
    type: str
    format: str = "default"
    constraints: dict = field(default_factory=dict)
    missing_values: list[str] = field(default_factory=lambda: list(MISSING_VALUES))
    true_values: list[str] = field(default_factory=lambda: list(TRUE_VALUES))
    false_values: list[str] = field(default_factory=lambda: list(FALSE_VALUES))
    bare_number: bool = True
    decimal_char: str = "."
    group_char: str = ""
    float_number: bool = False
    schema: Any = None  # the LightSchema it came from, which builds frictionless's field
    built: Any = None  # frictionless's field, once needed

    def frictionless(self) -> Any:
        if self.built is None:
            self.built = self.schema.frictionless_field(self.name)
        return self.built

    @classmethod
    def from_frictionless(cls, built: Any) -> FieldSpec:
        missing = built.missing_values
        if not built.has_defined("missing_values") and built.schema:
            missing = built.schema.missing_values
        return cls(
            name=built.name,
            type=built.type,
            format=getattr(built, "format", "default"),
            constraints=dict(built.constraints or {}),
            missing_values=[str(value) for value in missing],
            true_values=list(getattr(built, "true_values", TRUE_VALUES)),
            false_values=list(getattr(built, "false_values", FALSE_VALUES)),
            bare_number=getattr(built, "bare_number", True),
            decimal_char=getattr(built, "decimal_char", "."),
            group_char=getattr(built, "group_char", ""),
            float_number=getattr(built, "float_number", False),
            built=built,
        )


@dataclass
class LightSchema:
    """Fields, primary key and foreign keys, as frictionless's Schema exposes them."""

    descriptor: dict
    fields: list[FieldSpec]
    primary_key: list[str]
    foreign_keys: list[dict]
    _built: Any = None

    def frictionless_field(self, name: str) -> Any:
        if self._built is None:
            import copy

            from frictionless import Schema

            self._built = Schema.from_descriptor(copy.deepcopy(self.descriptor))
        return self._built.get_field(name)


def read_light_schema(descriptor: dict) -> LightSchema | None:
    """The schema read here, or None when frictionless must read it."""
    if not isinstance(descriptor, dict) or set(descriptor) - _SCHEMA_KEYS:
        return None
    fields_descriptor = descriptor.get("fields")
    missing = descriptor.get("missingValues", MISSING_VALUES)
    if not isinstance(fields_descriptor, list) or not _strings(missing):
        return None
    fields = [_read_field(item, missing) for item in fields_descriptor]
    names = [spec.name for spec in fields if spec is not None]
    if len(names) != len(fields) or len(set(names)) != len(names):
        return None
    primary_key = descriptor.get("primaryKey", [])
    primary_key = [primary_key] if isinstance(primary_key, str) else primary_key
    if not _strings(primary_key):
        return None
    foreign_keys = []
    foreign_keys_descriptor = descriptor.get("foreignKeys", [])
    if not isinstance(foreign_keys_descriptor, list):
        return None
    for fk in foreign_keys_descriptor:
        read = _read_foreign_key(fk)
        if read is None:
            return None
        foreign_keys.append(read)
    schema = LightSchema(descriptor, fields, list(primary_key), foreign_keys)
    for spec in fields:
        spec.schema = schema
    return schema


def _read_field(item: Any, missing: list[str]) -> FieldSpec | None:
    if not isinstance(item, dict) or set(item) - _FIELD_KEYS:
        return None
    name, kind = item.get("name"), item.get("type", "any")
    if not isinstance(name, str) or not name or not isinstance(kind, str):
        return None
    if kind not in _CONSTRAINTS:
        return None
    constraints = item.get("constraints", {})
    if not isinstance(constraints, dict) or set(constraints) - _CONSTRAINTS[kind]:
        return None
    if not all(_constraint_ok(key, value) for key, value in constraints.items()):
        return None
    spec = FieldSpec(name=name, type=kind, constraints=dict(constraints),
                     missing_values=list(missing))  # fmt: skip
    text = {"format": "format", "decimalChar": "decimal_char", "groupChar": "group_char"}
    for key, attribute in text.items():
        if key in item:
            if not isinstance(item[key], str):
                return None
            setattr(spec, attribute, item[key])
    for key, attribute in (("trueValues", "true_values"), ("falseValues", "false_values")):
        if key in item:
            if kind != "boolean" or not _strings(item[key]):
                return None
            setattr(spec, attribute, list(item[key]))
    if "bareNumber" in item:
        if kind not in ("integer", "number") or not isinstance(item["bareNumber"], bool):
            return None
        spec.bare_number = item["bareNumber"]
    if ("decimalChar" in item or "groupChar" in item) and kind != "number":
        return None
    return spec


def _constraint_ok(key: str, value: Any) -> bool:
    if key in ("required", "unique"):
        return isinstance(value, bool)
    if key in ("minLength", "maxLength"):
        return isinstance(value, int) and not isinstance(value, bool)
    if key == "pattern":
        return isinstance(value, str)
    if key == "enum":
        return isinstance(value, list) and bool(value)
    return isinstance(value, int | float | str) and not isinstance(value, bool)


def _read_foreign_key(fk: Any) -> dict | None:
    if not isinstance(fk, dict) or set(fk) - {"fields", "reference"}:
        return None
    reference = fk.get("reference")
    if not isinstance(reference, dict) or set(reference) - {"resource", "fields"}:
        return None
    own, theirs = fk.get("fields"), reference.get("fields")
    own = [own] if isinstance(own, str) else own
    theirs = [theirs] if isinstance(theirs, str) else theirs
    resource = reference.get("resource", "")
    if not _strings(own) or not _strings(theirs) or not isinstance(resource, str):
        return None
    return {"fields": own, "reference": {"resource": resource, "fields": theirs}}


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)
