"""Finding the built package folders of a project: one way to say there is none."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import PackageNotFound


def package_folders(datapackages: Path, names: Iterable[str] = ()) -> list[Path]:
    """The folders of the packages named (every package when none is), in name order."""
    names = list(names)
    if not names:
        folders = sorted(path.parent for path in datapackages.glob("*/datapackage.json"))
        if not folders:
            raise PackageNotFound(f"{datapackages}: no package (run 'ddet-data build')")
        return folders
    missing = [name for name in names if not (datapackages / name / "datapackage.json").is_file()]
    if missing:
        known = ", ".join(p.parent.name for p in sorted(datapackages.glob("*/datapackage.json")))
        raise PackageNotFound(
            f"{datapackages}: no package {', '.join(map(repr, missing))} (known: {known or 'none'})"
        )
    return [datapackages / name for name in names]
