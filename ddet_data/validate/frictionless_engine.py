"""The reference engine: frictionless-py, one resource at a time or a whole source."""

from __future__ import annotations

import copy
from pathlib import Path

from frictionless import FrictionlessException, Package, Report, Resource, system

from ..errors import DdetError

# The project's own calls (build, publish) name their files by absolute paths:
# trusted, as `frictionless validate --trusted` is. The CLI refuses the paths
# frictionless refuses untrusted (path_safety), and then asks frictionless untrusted.
system.trusted = True


def validate_resource_frictionless(
    resource: dict, basepath: Path, package: dict, limit_errors: int = 1000
) -> dict:
    """One task of frictionless's report for `resource`, foreign keys resolved in `package`."""
    # frictionless mutates descriptors it is given; ours are reused by the caller.
    framed = Package.from_descriptor(copy.deepcopy(package), basepath=_as_given(basepath))
    try:
        report = framed.get_resource(resource["name"]).validate(limit_errors=limit_errors)
    except FrictionlessException:
        raise
    except Exception as exc:
        raise stopped(basepath / str(resource.get("path", resource["name"])), exc) from exc
    task = report.to_dict()["tasks"][0]
    # Errors raised before any task ran (an unreadable file) land at the report level.
    task["errors"] = report.to_dict().get("errors", []) + task["errors"]
    task["valid"] = not task["errors"]
    task["stats"]["errors"] = len(task["errors"])
    return task


def open_source(source: Path, kind: str, schema: Path | None, trusted: bool = True):
    """The resource (or package) `frictionless validate [--schema S] [--type T]` opens."""
    if schema is not None and trusted:
        schema = schema.resolve()  # (untrusted, frictionless judges the path as given)
    return Resource(
        source=str(source),  # (its `place` in the report: the path as given)
        schema=str(schema) if schema else None,
        datatype=kind if kind in ("package", "resource") else None,
    )


def metadata_errors(source: Path, kind: str, schema: Path | None) -> bool:
    """True when frictionless finds the descriptors (package, resource, schema, dialect) invalid."""
    try:
        if kind == "package":
            # What frictionless's package resource opens to validate a package.
            opened = Package.from_descriptor(source.name, basepath=str(source.parent))
        else:
            opened = open_source(source, kind, schema)
        opened.to_descriptor(validate=True)
        for resource in getattr(opened, "resources", []):
            resource.to_descriptor(validate=True)
    except FrictionlessException:
        return True
    except Exception:  # frictionless cannot open it at all: its validation then says why
        return True
    return False


def validate_source_frictionless(
    source: Path, kind: str, schema: Path | None, limit_errors: int = 1000, trusted: bool = True
) -> dict:
    """The report of `frictionless validate --json [--schema S] [--type T] SOURCE` (with
    `--trusted` when `trusted`).

    Where that command stops on an exception (a dialect it cannot build), the report
    holds the exception's errors, as frictionless's `validate()` function gives them.
    """
    # (frictionless's `system.use_context` would not restore `trusted` after an exception)
    system.trusted = trusted
    try:
        report = open_source(source, kind, schema, trusted).validate(limit_errors=limit_errors)
    except FrictionlessException as exc:
        report = Report.from_validation(errors=exc.reasons or [exc.error])
    except Exception as exc:  # frictionless's command stops there too, with no report
        raise stopped(source, exc) from exc
    finally:
        system.trusted = True
    return report.to_dict()


def _as_given(basepath: Path) -> str:
    """The basepath frictionless gives a descriptor named without a folder: "" (its
    notes then say `missing.csv`, not `./missing.csv`)."""
    return "" if str(basepath) == "." else str(basepath)


def stopped(source: Path, exc: Exception) -> DdetError:
    # (An EOFError let through would read as "Aborted!", click's word for Ctrl-D.)
    return DdetError(f"{source}: frictionless stops on it: {type(exc).__name__}: {exc}")


def infer_schema(resource: dict, basepath: Path) -> dict:
    """The Table Schema frictionless infers for a resource given without one."""
    framed = Resource.from_descriptor(copy.deepcopy(resource), basepath=_as_given(basepath))
    framed.infer()
    return framed.schema.to_descriptor()
