"""Validate data packages: frictionless (or the fast engine) plus the project's checks.

Bad data is a value: these functions return a report and raise only when the input
cannot be read at all (a missing file, a descriptor that is not JSON). An invalid
descriptor, schema or dialect is bad data too: the report holds frictionless's errors
about it (`schema-error`, `field-error`, `package-error`, ...).
"""

from __future__ import annotations

import glob
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DdetError
from ..text.jsonio import read_json
from .descriptors import certainly_valid_package, certainly_valid_schema, resources_of
from .path_safety import is_safe_path, unsafe_in_package, unsafe_in_resource
from .report import add_errors, combine

ENGINES = ("auto", "fast", "frictionless")
# What frictionless 5 reads of a Table Schema and its fields to check data. It keeps
# every other property as "custom" metadata that no finding depends on: the
# documentation of schema.data.gouv.fr (author, contact, example file...), Table
# Schema's own title, description and example, and typos ("contraints"). So the fast
# engine is shown the schema with these only. (Whether the documentation is *valid*,
# an example true to its field say, is checked beforehand.)
SCHEMA_READ = {"$schema", "fields", "fieldsMatch", "missingValues", "primaryKey", "foreignKeys"}
FIELD_READ = {
    "name", "type", "format", "constraints", "missingValues", "trueValues", "falseValues",
    "bareNumber", "floatNumber", "decimalChar", "groupChar", "arrayItem", "itemType",
    "delimiter",
}  # fmt: skip
DEFAULT_LIMIT_ERRORS = 1000
COMPRESSIONS = ("gz", "bz2", "xz", "zip")  # what frictionless tells from a path's suffix
DATA_SUFFIXES = (".csv", ".tsv", ".parquet", ".xlsx", ".xls", ".ods", ".jsonl", ".ndjson")
# What frictionless 5 takes a descriptor file for (`settings.METADATA_TRAITS`, in its
# order): by the end of its name first, then by its first property found.
METADATA_NAMES = [
    ("catalog", ("catalog.json", "catalog.yaml")),
    ("chart", ("chart.json", "chart.yaml")),
    ("package", ("datapackage.json", "datapackage.yaml", ".package.json", ".package.yaml")),
    ("resource", ("resource.json", "resource.yaml")),
    ("dialect", ("dialect.json", "dialect.yaml")),
    ("jsonschema", ("jsonschema.json", "jsonschema.yaml")),
    ("schema", ("schema.json", "schema.yaml")),
    ("checklist", ("checklist.json", "checklist.yaml")),
    ("pipeline", ("pipeline.json", "pipeline.yaml")),
    ("report", ("report.json", "report.yaml")),
    ("inquiry", ("inquiry.json", "inquiry.yaml")),
    ("view", ("view.json", "view.yaml")),
    ("map", ("map.json", "map.yaml")),
]
DETECTION_CHARS = 1_000_000  # what frictionless reads of a file to tell it by its properties
METADATA_PROPS = [
    ("catalog", ("packages",)), ("chart", ("layers", "mark")), ("package", ("resources",)),
    ("resource", ("path", "data")), ("dialect", ("header", "headerRows", "csv", "json", "excel")),
    ("jsonschema", ("$schema",)), ("schema", ("fields",)), ("checklist", ("checks",)),
    ("pipeline", ("steps",)), ("report", ("errors",)), ("inquiry", ("tasks",)),
    ("view", ("query",)), ("map", ("features", "objects")),
]  # fmt: skip


@dataclass
class Target:
    """A package to validate (schemas resolved to dicts) and the folder its paths start from.

    `source`, `kind` and `schema_path` say what the user named (a package, a resource
    descriptor, or a data file and its schema; "other" for anything else frictionless
    validates, a schema or a compressed file say, which it alone validates), so that
    frictionless, when it must speak, is asked exactly what `frictionless validate`
    would be. `project` marks tables the project's own checks apply to. `unsafe` lists
    the paths frictionless reads only when trusted (see path_safety).
    """

    package: dict
    basepath: Path
    source: Path | None = None
    kind: str = "package"
    schema_path: Path | None = None
    project: bool = False
    unsafe: list[str] = field(default_factory=list)

    def refused(self, trusted: bool) -> bool:
        """Whether frictionless, untrusted, refuses to read it (and is asked to say so)."""
        return not trusted and bool(self.unsafe)


def resolve_descriptors(package: dict, basepath: Path) -> dict:
    """Schemas and dialects given as paths, read; one that cannot be read (a remote one,
    say) is left for frictionless to read or report."""
    for resource in resources_of(package):
        for key in ("schema", "dialect"):
            if isinstance(resource, dict) and isinstance(resource.get(key), str):
                try:
                    resource[key] = read_descriptor(basepath / resource[key])
                except (DdetError, OSError, ValueError):
                    pass
    return package


def read_descriptor(path: Path, limit: int | None = None):
    """A descriptor file as frictionless reads one: YAML when it ends in .yaml, else JSON;
    with `limit`, its first characters only (which may then not parse)."""
    as_yaml = path.name.endswith(".yaml")
    if not as_yaml and limit is None:
        return read_json(path, DdetError)
    with open(path, encoding="utf-8") as file:
        text = file.read(limit)
    if not as_yaml:
        import json

        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise DdetError(f"{path}: malformed descriptor: {exc}") from exc
    import yaml  # ~20 ms: only for YAML

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DdetError(f"{path}: malformed descriptor: {exc}") from exc


def metadata_type(
    path: Path, kinds: tuple[str, ...] = ("package", "resource")
) -> tuple[str, dict] | None:
    """(kind, the descriptor) when frictionless takes the file for a descriptor of one of
    these `kinds` (by the end of its name, then by its properties); None for anything
    else (another kind of descriptor, data, a file it cannot read)."""
    kind = next((kind for kind, names in METADATA_NAMES if path.name.endswith(names)), None)
    if path.suffix not in (".json", ".yaml") or kind not in (None, *kinds):
        return None  # frictionless reads no other suffix as a descriptor
    try:
        if kind is None:
            # Told by its properties, from its first characters as frictionless reads them
            head = read_descriptor(path, limit=DETECTION_CHARS)
            if not isinstance(head, dict):
                return None
            kind = next((k for k, props in METADATA_PROPS if set(props) & set(head)), None)
            if kind not in kinds:
                return None
        descriptor = read_descriptor(path)
    except (DdetError, OSError, ValueError):
        return None  # frictionless reports what it cannot read
    return (kind, descriptor) if isinstance(descriptor, dict) else None


def load_target(path: Path, schema: Path | None = None, project_schemas: Path | None = None):
    """A datapackage.json, a folder holding one, a resource descriptor, or a data file
    (with or without a schema); anything else frictionless validates (a schema, a
    dialect, a compressed or unknown file) is left to it."""
    if glob.has_magic(str(path)) or (path.is_dir() and not (path / "datapackage.json").exists()):
        # frictionless takes it for a pattern (even the name of a file, `[table].csv`),
        # or a folder for its files: as one package, which frictionless alone validates
        return Target({"resources": []}, path.parent, path, "other", schema)
    if path.is_dir():
        path = path / "datapackage.json"
    if not path.exists() and not is_safe_path(str(path)):
        # `$HOME/x.csv`, `~/x.csv` as written (not expanded by a shell), a `file:` URI:
        # frictionless reports such a path as unsafe, or when trusted reads it itself
        unsafe = [str(path)]
        return Target({"resources": []}, path.parent, path, "other", schema, unsafe=unsafe)
    if not path.exists():
        # frictionless reports a missing file (a scheme-error in a report of its own)
        return Target({"resources": []}, path.parent, path, "other", schema)
    if data_suffix(path) in DATA_SUFFIXES:
        return data_file_target(path, schema, project_schemas)
    found = metadata_type(path)
    unsafe = unsafe_in_resource({"path": str(path)})
    if found is None and schema is None:
        alone = metadata_type(path, kinds=("schema",))
        if alone is not None and certainly_valid_schema(alone[1]):
            # frictionless validates a Table Schema given alone as a JSON file whose
            # metadata it checks: a valid one gives one valid task, told here.
            return Target({"resources": []}, path.parent, path, "schema", unsafe=unsafe)
    if found is None or schema is not None:
        # Not a package or resource this engine reads, or one given a --schema (which
        # frictionless alone knows what to make of): frictionless validates it.
        return Target({"resources": []}, path.parent, path, "other", schema, unsafe=unsafe)
    kind, descriptor = found
    if kind == "package":
        from .checks import PROJECT_PACKAGES

        project = descriptor.get("name") in PROJECT_PACKAGES
        unsafe = unsafe_in_package(descriptor)  # (before its schemas are read in)
        return Target(resolve_descriptors(descriptor, path.parent), path.parent, path, "package",
                      project=project, unsafe=unsafe)  # fmt: skip
    unsafe = unsafe_in_resource(descriptor)
    package = resolve_descriptors({"resources": [descriptor]}, path.parent)
    return Target(package, path.parent, path, "resource", unsafe=unsafe)


def path_format(path: str | Path) -> tuple[str, str | None]:
    """(format, compression) as frictionless tells them from a path's suffixes:
    "communes.csv.gz" gives ("csv", "gz"), "communes.csv" ("csv", None)."""
    suffixes = [suffix[1:].lower() for suffix in Path(path).suffixes]
    compression = suffixes.pop() if suffixes and suffixes[-1] in COMPRESSIONS else None
    return (suffixes[-1] if suffixes else ""), compression


def local_data_format(resource: dict) -> str | None:
    """The format frictionless reads a resource's file in (declared, else told by the
    path's suffixes; "" when neither tells), None when its data is not one local file."""
    where = resource.get("path")
    if not isinstance(where, str) or "://" in where or resource.get("data") is not None:
        return None
    return resource.get("format") or path_format(where)[0]


def data_suffix(path: Path) -> str:
    """The suffix that tells a data file's format, before a compression's (".csv.gz")."""
    fmt, _ = path_format(path)
    return f".{fmt}" if fmt else ""


def file_resource_name(path: Path) -> str:
    """The name frictionless's detector gives a data file: its name without the format's
    (and compression's) suffix, slugified ("Table With Data.csv": "table-with-data")."""
    from slugify import slugify  # python-slugify, which frictionless names files with

    stem = path.name[: path.name.lower().rindex(data_suffix(path))]
    return slugify(stem, regex_pattern=r"[^-a-z0-9._/]") or "name"


def data_file_target(path: Path, schema: Path | None, project_schemas: Path | None) -> Target:
    """A data file as one resource, with its schema if given."""
    if not path.is_file():
        raise DdetError(f"{path}: no such file")
    resource = {
        "name": file_resource_name(path),
        "type": "table",
        "path": path.name,
        "format": data_suffix(path)[1:],
    }
    table = None
    if schema is not None:
        resource["schema"] = str(schema.resolve())
        table = project_table(schema, project_schemas)
        if table:
            resource["name"] = table  # the project's checks know tables by name
    package = resolve_descriptors({"resources": [resource]}, path.parent)
    # frictionless opens the file and the schema by the paths as given
    unsafe = unsafe_in_resource({"path": str(path), "schema": schema and str(schema)})
    return Target(package, path.parent, path, "file", schema, project=bool(table), unsafe=unsafe)


def project_table(schema: Path, project_schemas: Path | None) -> str | None:
    """The project's table whose schema this is (the same JSON as schemas/<table>.json)."""
    if project_schemas is None:
        return None
    own = project_schemas / schema.name
    if not own.is_file():
        return None
    try:
        same = read_json(own, DdetError) == read_json(schema, DdetError)
    except DdetError:
        return None
    return schema.stem if same else None


def without_documentation(resource: dict) -> dict:
    schema = resource.get("schema")
    if not isinstance(schema, dict):
        return resource
    bare = {key: value for key, value in schema.items() if key in SCHEMA_READ}
    bare["fields"] = [
        {key: value for key, value in field.items() if key in FIELD_READ}
        if isinstance(field, dict)
        else field
        for field in schema.get("fields", [])
    ]
    return {**resource, "schema": bare}


def single_resource_task(target: Target, limit_errors: int) -> dict:
    """frictionless's one task for a file or resource descriptor, as its CLI gives it."""
    from .frictionless_engine import validate_source_frictionless

    report = validate_source_frictionless(
        target.source, target.kind, target.schema_path, limit_errors
    )
    task = report["tasks"][0]
    task["errors"] = report.get("errors", []) + task["errors"]
    task["valid"] = not task["errors"]
    task["stats"]["errors"] = len(task["errors"])
    return task


def validate_resource(
    resource: dict, target: Target, engine: str, limit_errors: int, progress, hashes: bool = True
) -> tuple[dict, str | None]:
    """One task, and a note when the fast engine had to hand over to frictionless.
    `hashes` False: the file's md5 and sha256 are left out where none is declared."""
    # Imported where used: a fast run should not pay for importing frictionless's engine.
    if engine != "frictionless" and resource.get("type", "table") == "table":
        from ..errors import Unsupported
        from .fast.engine import validate_resource_fast

        try:
            shown = resource
            if "schema" not in resource:
                shown = {**resource, "schema": inferred_schema(resource, target.basepath)}
            bare_package = {
                **target.package,
                "resources": [
                    without_documentation(shown if r is resource else r)
                    for r in target.package["resources"]
                ],
            }
            task = validate_resource_fast(
                without_documentation(shown),
                target.basepath,
                bare_package,
                limit_errors=limit_errors,
                progress=progress,
                hashes=hashes,
            )
            return task, None
        except Unsupported as reason:
            # The report says so: a reader must know which engine stood behind a finding.
            note = f"{resource['name']}: validated with frictionless ({reason})"
            return frictionless_task(resource, target, limit_errors), note
        except Exception as exc:
            if engine == "fast":
                raise
            # A fault of the fast engine on an input nobody foresaw: the user still gets
            # frictionless's report, and the note names the fault for a bug report.
            fault = f"the fast engine failed: {type(exc).__name__}: {exc}"
            note = f"{resource['name']}: validated with frictionless ({fault})"
            return frictionless_task(resource, target, limit_errors), note
    if engine != "frictionless" and resource.get("type") == "file" and "rows" not in resource:
        from ..errors import Unsupported
        from .fast.engine import validate_file_fast

        try:
            return validate_file_fast(resource, target.basepath), None
        except Unsupported as reason:
            note = f"{resource['name']}: validated with frictionless ({reason})"
            return frictionless_task(resource, target, limit_errors), note
    return frictionless_task(resource, target, limit_errors), None


def inferred_schema(resource: dict, basepath: Path) -> dict:
    from ..errors import Unsupported
    from .frictionless_engine import infer_schema

    fmt = local_data_format(resource)
    if fmt is None:
        raise Unsupported("the data is not one local file")
    if fmt.lower() not in ("csv", "tsv"):
        raise Unsupported(f"no schema to infer from a {fmt} file here")
    try:
        return infer_schema(resource, basepath)
    except Exception as exc:  # frictionless reports what stopped its inference
        raise Unsupported(f"schema inference failed: {exc}") from exc


def frictionless_task(resource: dict, target: Target, limit_errors: int) -> dict:
    if target.source is not None and target.kind in ("file", "resource"):
        return single_resource_task(target, limit_errors)
    from frictionless import FrictionlessException

    from .frictionless_engine import validate_resource_frictionless
    from .report import task_report

    try:
        return validate_resource_frictionless(
            resource, target.basepath, target.package, limit_errors
        )
    except FrictionlessException as exc:  # a descriptor frictionless refuses: its errors
        errors = [error.to_dict() for error in (exc.reasons or [exc.error])]
        return task_report(resource.get("name", ""), str(resource.get("path", "")), errors)


def validate_target(
    target: Target,
    engine: str,
    limit_errors: int,
    on_resource,
    progress,
    counted: int,
    total: int,
    hashes: bool = True,
    trusted: bool = True,
) -> tuple[list[dict], list[str], list[dict]]:
    """(tasks, notes, report-level errors) of one target."""
    refused = target.refused(trusted)
    if target.kind == "schema" and engine != "frictionless" and not refused:
        from .report import task_report

        task = task_report(file_resource_name(target.source), str(target.source), [])
        return [{**task, "type": "json"}], [], []
    if target.source is not None and (
        engine == "frictionless"
        or target.kind == "other"
        or refused
        or not descriptors_valid(target)
    ):
        from .frictionless_engine import validate_source_frictionless

        report = validate_source_frictionless(
            target.source, target.kind, target.schema_path, limit_errors, trusted
        )
        notes = []
        if engine != "frictionless":
            why = "invalid descriptor"
            if target.kind == "other":
                why = "neither a data package, a resource nor a data file the engine reads"
                if glob.has_magic(str(target.source)):
                    why = "a pattern, whose files frictionless validates as one package"
                elif not target.source.exists():
                    why = "no such file: frictionless reports it"
            if refused:
                why = f'path "{target.unsafe[0]}" is not safe: --trusted reads it'
            notes.append(f"{target.source.name}: validated with frictionless ({why})")
        return report["tasks"], notes, report.get("errors", [])
    tasks, notes = [], []
    for resource in target.package["resources"]:
        if on_resource:
            on_resource(resource["name"], counted + len(tasks) + 1, total)
        task, note = validate_resource(resource, target, engine, limit_errors, progress, hashes)
        place, where = task.get("place") or "", resource.get("path")
        if target.kind == "file" and (place == where or place.startswith(f"{where} -> ")):
            # The path as given, as frictionless shows it (and the file read in a zip)
            task["place"] = str(target.source) + place[len(where) :]
        tasks.append(task)
        notes += [note] if note else []
    return tasks, notes, []


def descriptors_valid(target: Target) -> bool:
    """Proven here for plain descriptors; else as frictionless says (importing it)."""
    if certainly_valid_package(target.package):
        return True
    from .frictionless_engine import metadata_errors

    return not metadata_errors(target.source, target.kind, target.schema_path)


def validate_targets(
    targets: list[Target],
    engine: str = "auto",
    limit_errors: int = DEFAULT_LIMIT_ERRORS,
    sources_root: Path | None = None,
    on_resource: Callable[[str, int, int], None] | None = None,
    progress: Callable[[int], None] | None = None,
    hashes: bool = True,
    trusted: bool = True,
) -> dict:
    """Validate every resource of every target, then run the project's checks across them.

    `hashes` False spares the md5 and sha256 of each CSV file (a fifth of a large run),
    for a caller that shows no report stats: a declared hash is still checked.
    `trusted` False refuses, as `frictionless validate` without `--trusted` does, the
    paths outside the current folder (see path_safety): the CLI's default."""
    from .checks import read_tables, run_checks

    if engine not in ENGINES:
        raise DdetError(f"unknown engine {engine!r} (choose one of {', '.join(ENGINES)})")
    if engine != "frictionless":
        from .fast.digests import hash_early

        hash_early(csv_paths(targets, hashes))
    tasks, notes, errors, tables = [], [], [], {}
    task_by_table = {}
    counted_warnings = 0
    total = sum(len(resources_of(target.package)) for target in targets)
    for target in targets:
        found, said, top = validate_target(
            target, engine, limit_errors, on_resource, progress, len(tasks), total, hashes,
            trusted,
        )  # fmt: skip
        tasks += found
        notes += said
        errors += top
        if target.kind in ("file", "resource") and found:
            # One resource: its task, whatever name frictionless gave it.
            task_by_table[target.package["resources"][0].get("name")] = found[0]
            # frictionless's report of one resource counts its warnings in its stats.
            counted_warnings += len(found[0].get("warnings", []))
        else:
            for task in found:
                task_by_table[task.get("name")] = task
        if (target.project or target.source is None) and not target.refused(trusted):
            tables.update(read_tables(target.package, target.basepath, target.project))
    for table, found in run_checks(tables, sources_root).items():
        if table in task_by_table:
            add_errors(task_by_table[table], found)
    return combine(tasks, notes, errors, counted_warnings)


def csv_paths(targets: list[Target], hashes: bool) -> list[Path]:
    """The local CSV files whose md5 and sha256 the report will show, in turn."""
    paths = []
    for target in targets:
        if target.kind == "other":
            continue
        for resource in resources_of(target.package):
            if not isinstance(resource, dict) or not (hashes or resource.get("hash")):
                continue
            if local_data_format(resource) in ("csv", "tsv"):
                paths.append(target.basepath / resource["path"])
    return paths


def validate_paths(
    paths: list[Path], schema: Path | None = None, project_schemas: Path | None = None, **options
) -> dict:
    return validate_targets(
        [load_target(path, schema, project_schemas) for path in paths], **options
    )


def validate_packages(paths: list[Path], **options) -> dict:
    """Validate package folders or descriptors (the publishing side calls this before sending)."""
    return validate_paths(list(paths), **options)
