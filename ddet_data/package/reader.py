"""Reading a built package folder: the one reader every stage uses.

A package folder holds `datapackage.json`, `data/<table>.csv` and `.parquet`, and
`schemas/<table>.json`. Each stage fails in its own terms, so the reader takes the
exception class to raise (a `DdetError` subclass), as `read_json` does.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import DdetError, PackageNotFound
from ..text.jsonio import read_json

DESCRIPTOR = "datapackage.json"


@dataclass(frozen=True)
class TableFiles:
    """One table of a package: its schema and the resources that carry it (CSV, Parquet)."""

    name: str
    schema: dict
    schema_path: str | None  # relative to the folder; None when the schema is inline
    resources: tuple[dict, ...]

    def path_of(self, format: str) -> str | None:
        return next((r["path"] for r in self.resources if r.get("format") == format), None)

    @property
    def csv(self) -> str | None:
        return self.path_of("csv")

    @property
    def parquet(self) -> str | None:
        return self.path_of("parquet")


class PackageFolder:
    """A built package: its descriptor, its tables with their schemas, its CSV rows."""

    def __init__(self, path: Path, error: type[DdetError] = PackageNotFound):
        path = Path(path)
        self.path = path.parent if path.name == DESCRIPTOR else path
        self.error = error
        self.descriptor = read_json(self.path / DESCRIPTOR, error)

    @property
    def name(self) -> str:
        return self.descriptor.get("name") or self.path.name

    @property
    def version(self) -> str | None:
        return self.descriptor.get("version")

    @property
    def resources(self) -> list[dict]:
        return self.descriptor.get("resources", [])

    def tables(self) -> dict[str, TableFiles]:
        """Every table in descriptor order: resources grouped by their `table` (or name)."""
        grouped: dict[str, list[dict]] = {}
        for resource in self.resources:
            grouped.setdefault(resource.get("table", resource.get("name")), []).append(resource)
        tables = {}
        for name, resources in grouped.items():
            schema = next((r["schema"] for r in resources if "schema" in r), None)
            if schema is None:
                continue
            schema_path = schema if isinstance(schema, str) else None
            if schema_path is not None:
                schema = read_json(self.path / schema_path, self.error)
            tables[name] = TableFiles(name, schema, schema_path, tuple(resources))
        return tables

    def rows(self, relative: str) -> Iterator[dict]:
        """The rows of one CSV file of the package, values as written."""
        path = self.path / relative
        try:
            with open(path, encoding="utf-8", newline="") as stream:
                yield from csv.DictReader(stream)
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise self.error(f"{path}: cannot read ({exc})") from exc


def package_folders(datapackages: Path, names: Iterable[str] = ()) -> list[Path]:
    """The folders of the packages named (every package when none is), in name order."""
    names = list(names)
    if not names:
        folders = sorted(path.parent for path in datapackages.glob(f"*/{DESCRIPTOR}"))
        if not folders:
            raise PackageNotFound(f"{datapackages}: no package (run 'ddet-data build')")
        return folders
    missing = [name for name in names if not (datapackages / name / DESCRIPTOR).is_file()]
    if missing:
        known = ", ".join(p.parent.name for p in sorted(datapackages.glob(f"*/{DESCRIPTOR}")))
        raise PackageNotFound(
            f"{datapackages}: no package {', '.join(map(repr, missing))} (known: {known or 'none'})"
        )
    return [datapackages / name for name in names]
