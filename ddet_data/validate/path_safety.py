"""The paths `frictionless validate` refuses to read unless given `--trusted`.

frictionless 5 reads a path only when it stays below the current folder: not an
absolute one, none holding `../`, none starting with `~` or an environment variable,
no `file:` URI. Any other, as a data file named on the command line, its `--schema`, or
a resource's `path`, `extrapaths`, `profile`, `dialect` or `schema`, is reported as a
`resource-error` ("path ... is not safe") and left unread. `ddet-data validate` does
the same (frictionless then writes the report), and `--trusted` lifts it, as
frictionless's own option does. tests/test_path_safety.py holds `is_safe_path` to
frictionless's.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import urlparse

# What frictionless's resource checks before reading (its "Security" step)
RESOURCE_PATH_KEYS = ("path", "extrapaths", "profile", "dialect", "schema")


def is_safe_path(path: str) -> bool:
    """Whether frictionless reads this path untrusted: the same tests as its own."""
    return not (
        os.path.isabs(path)
        or f"..{os.path.sep}" in path
        or path.startswith("~")
        or os.path.expandvars(path) != path
        or re.match(r"%.+%", path)
        or re.match(r"\$.+", path)
        or urlparse(path).scheme == "file"
    )


def unsafe_in_resource(resource: Any) -> list[str]:
    """The paths of a resource descriptor frictionless would refuse, in its order."""
    if not isinstance(resource, dict):
        return []
    found = []
    for key in RESOURCE_PATH_KEYS:
        value = resource.get(key)
        for item in value if isinstance(value, list) else [value]:
            if item and isinstance(item, str) and not is_safe_path(item):
                found.append(item)
    return found


def unsafe_in_package(package: Any) -> list[str]:
    """The paths of a package descriptor (its profile, its resources') frictionless
    would refuse."""
    if not isinstance(package, dict):
        return []
    profile = package.get("profile")
    profiles = profile if isinstance(profile, list) else [profile]
    found = [p for p in profiles if p and isinstance(p, str) and not is_safe_path(p)]
    resources = package.get("resources")
    for resource in resources if isinstance(resources, list) else []:
        found += unsafe_in_resource(resource)
    return found
