"""How publish and download recognize their objects on data.gouv.fr: the markers.

A dataset carries its package's name and version in its `extras`; each resource carries
the marker of the file it holds (`issues/csv`, `issues/schema`, `docs/readme`, ...).
Publish writes them and finds its objects by them; download maps them back to files.
"""

from __future__ import annotations

PACKAGE_MARKER = "ddet:package"  # dataset extra: the package's name
VERSION_MARKER = "ddet:version"  # dataset extra: the package's version
RESOURCE_MARKER = "ddet:resource"  # resource extra: the file it holds

DESCRIPTOR_MARKER = "datapackage/json"
# The package's own documentation, published as documentation resources, by file name.
DOCUMENT_MARKERS = {
    "README.md": "docs/readme",
    "CHANGELOG.md": "docs/changelog",
    # The description's pictures: their marker is their path, as `{{resource:...}}` names it.
    "docs/tables.png": "docs/tables.png",
    "docs/themes.png": "docs/themes.png",
}


def data_marker(table: str, fmt: str) -> str:
    """The marker of a table's data file in one format (`csv`, `parquet`)."""
    return f"{table}/{fmt}"


def schema_marker(table: str) -> str:
    return f"{table}/schema"


def marker_of(resource: dict) -> str | None:
    return (resource.get("extras") or {}).get(RESOURCE_MARKER)


def package_of(dataset: dict) -> str | None:
    return (dataset.get("extras") or {}).get(PACKAGE_MARKER)


def checksum_of(resource: dict) -> str | None:
    """The server's sha1 of a resource's file (udata computes it on upload)."""
    checksum = resource.get("checksum") or {}
    return checksum.get("value") if checksum.get("type", "sha1") == "sha1" else None


def by_marker(dataset: dict) -> dict[str, dict]:
    """The dataset's marked resources, by marker."""
    return {marker_of(r): r for r in dataset.get("resources") or [] if marker_of(r)}
