"""Where a project's folders are, and what sources/packages.yaml says the packages are."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError

PACKAGE_KEYS = ("title", "description", "keywords", "created", "tables", "sources")


@dataclass(frozen=True)
class PackageSpec:
    """What a package is, as written in sources/packages.yaml."""

    name: str
    title: str
    description: str
    keywords: list[str]
    created: str
    tables: list[str]
    sources: list[dict]
    version: str = "1.0.0"


@dataclass(frozen=True)
class Project:
    """Where a project's folders are; tests point it at a copy."""

    root: Path

    @property
    def sources(self) -> Path:
        return self.root / "sources"

    @property
    def schemas(self) -> Path:
        return self.root / "schemas"

    @property
    def datapackages(self) -> Path:
        return self.root / "datapackages"


def load_specs(project: Project) -> dict[str, PackageSpec]:
    # Imported here: `validate` needs a Project's paths, not a YAML reader (~30 ms).
    from .text.yamlio import check_keys, load_yaml

    path = project.sources / "packages.yaml"
    if not project.sources.is_dir() or not any(project.sources.iterdir()):
        raise SourceError(
            "sources/ is empty: nothing to build (see README, 'Sources')", project.sources
        )
    if not path.is_file():
        raise SourceError("missing packages.yaml, which names the packages to build", path)
    specs = {}
    for name, entry in load_yaml(path).items():
        check_keys(entry, path, PACKAGE_KEYS, what=f"package {name!r}")
        specs[name] = PackageSpec(
            name=name,
            title=entry["title"],
            description=entry["description"],
            keywords=list(entry["keywords"]),
            created=created_timestamp(str(entry["created"])),
            tables=list(entry["tables"]),
            sources=[dict(source) for source in entry["sources"]],
        )
    return specs


def created_timestamp(created: str) -> str:
    """RFC 3339 `created`: SOURCE_DATE_EPOCH when set, else the date in packages.yaml."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{created}T00:00:00Z"
