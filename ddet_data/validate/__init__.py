"""Validate data packages: frictionless (or the fast engine) plus the project's checks.

Bad data is a value: these functions return a report and raise only when the input
cannot be read at all (a missing file, a descriptor that is not JSON).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import DdetError
from ..text.jsonio import read_json
from .report import add_errors, combine

ENGINES = ("auto", "fast", "frictionless")
# Documentation that Table Schemas of schema.data.gouv.fr (and ours) carry: it changes no
# finding, so the fast engine is shown the schema without it.
SCHEMA_DOCUMENTATION = {
    "countryCode", "homepage", "path", "licenses", "created", "lastModified", "version",
    "contributors", "sources", "resources", "keywords", "image", "$schema", "name",
    "title", "description",
}  # fmt: skip
FIELD_DOCUMENTATION = {"enumDescriptions", "rdfType"}
DEFAULT_LIMIT_ERRORS = 1000


@dataclass
class Target:
    """A package to validate (schemas resolved to dicts) and the folder its paths start from."""

    package: dict
    basepath: Path


def resolve_schemas(package: dict, basepath: Path) -> dict:
    for resource in package["resources"]:
        if isinstance(resource.get("schema"), str):
            resource["schema"] = read_json(basepath / resource["schema"], DdetError)
    return package


def load_target(path: Path, schema: Path | None = None) -> Target:
    """A datapackage.json, a folder holding one, a resource descriptor, or a data file + schema."""
    if path.is_dir():
        path = path / "datapackage.json"
    if path.suffix in (".csv", ".parquet"):
        if schema is None:
            raise DdetError(f"{path}: a data file needs --schema to be validated")
        resource = {
            "name": path.stem.lower().replace(" ", "_") or "data",
            "type": "table",
            "path": path.name,
            "format": path.suffix[1:],
            "schema": str(schema.resolve()),
        }
        return Target(resolve_schemas({"resources": [resource]}, path.parent), path.parent)
    descriptor = read_json(path, DdetError)
    if "resources" not in descriptor:
        if "path" not in descriptor:
            raise DdetError(f"{path}: neither a data package nor a resource descriptor")
        descriptor = {"resources": [descriptor]}
    return Target(resolve_schemas(descriptor, path.parent), path.parent)


def without_documentation(resource: dict) -> dict:
    schema = resource.get("schema")
    if not isinstance(schema, dict):
        return resource
    bare = {key: value for key, value in schema.items() if key not in SCHEMA_DOCUMENTATION}
    bare["fields"] = [
        {key: value for key, value in field.items() if key not in FIELD_DOCUMENTATION}
        for field in schema.get("fields", [])
    ]
    return {**resource, "schema": bare}


def validate_resource(
    resource: dict, target: Target, engine: str, limit_errors: int, progress
) -> tuple[dict, str | None]:
    """One task, and a note when the fast engine had to hand over to frictionless."""
    # Imported where used: a fast run should not pay for importing frictionless's engine.
    if engine != "frictionless" and resource.get("type", "table") == "table":
        from ..errors import Unsupported
        from .fast.engine import validate_resource_fast

        try:
            bare_package = {
                **target.package,
                "resources": [without_documentation(r) for r in target.package["resources"]],
            }
            task = validate_resource_fast(
                without_documentation(resource),
                target.basepath,
                bare_package,
                limit_errors=limit_errors,
                progress=progress,
            )
            return task, None
        except Unsupported as reason:
            # The report says so: a reader must know which engine stood behind a finding.
            note = f"{resource['name']}: validated with frictionless ({reason})"
            from .frictionless_engine import validate_resource_frictionless

            task = validate_resource_frictionless(
                resource, target.basepath, target.package, limit_errors
            )
            return task, note
    from .frictionless_engine import validate_resource_frictionless

    return validate_resource_frictionless(
        resource, target.basepath, target.package, limit_errors
    ), None


def validate_targets(
    targets: list[Target],
    engine: str = "auto",
    limit_errors: int = DEFAULT_LIMIT_ERRORS,
    sources_root: Path | None = None,
    on_resource: Callable[[str, int, int], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Validate every resource of every target, then run the project's checks across them."""
    from .checks import read_tables, run_checks

    if engine not in ENGINES:
        raise DdetError(f"unknown engine {engine!r} (choose one of {', '.join(ENGINES)})")
    tasks, notes, tables = [], [], {}
    task_by_table = {}
    total = sum(len(target.package["resources"]) for target in targets)
    for target in targets:
        for resource in target.package["resources"]:
            if on_resource:
                on_resource(resource["name"], len(tasks) + 1, total)
            task, note = validate_resource(resource, target, engine, limit_errors, progress)
            tasks.append(task)
            notes += [note] if note else []
            task_by_table[resource["name"]] = task
        tables.update(read_tables(target.package, target.basepath))
    for table, errors in run_checks(tables, sources_root).items():
        add_errors(task_by_table[table], errors)
    return combine(tasks, notes)


def validate_paths(paths: list[Path], schema: Path | None = None, **options) -> dict:
    return validate_targets([load_target(path, schema) for path in paths], **options)


def validate_packages(paths: list[Path], **options) -> dict:
    """Validate package folders or descriptors (the publishing side calls this before sending)."""
    return validate_paths(list(paths), **options)
