"""The reference engine: frictionless-py, one resource at a time."""

from __future__ import annotations

import copy
from pathlib import Path

from frictionless import Package


def validate_resource_frictionless(
    resource: dict, basepath: Path, package: dict, limit_errors: int = 1000
) -> dict:
    """One task of frictionless's report for `resource`, foreign keys resolved in `package`."""
    # frictionless mutates descriptors it is given; ours are reused by the caller.
    framed = Package.from_descriptor(copy.deepcopy(package), basepath=str(basepath))
    report = framed.get_resource(resource["name"]).validate(limit_errors=limit_errors)
    task = report.to_dict()["tasks"][0]
    # Errors raised before any task ran (an unreadable file) land at the report level.
    task["errors"] = report.to_dict().get("errors", []) + task["errors"]
    task["valid"] = not task["errors"]
    task["stats"]["errors"] = len(task["errors"])
    return task
