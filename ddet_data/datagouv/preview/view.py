"""What a dataset page shows, gathered from what publish would send or from what a server holds.

A view is payload-shaped: the dataset is `plan.dataset_payload` (or the API's dataset,
which has the same keys), each resource is `plan.resource_payload` plus the facts the
server adds on upload (size, checksum, MIME type). Nothing here recomputes metadata.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import PublishError
from ..config import CONFIG_FILE, DatasetSettings, dataset_settings, read_config
from ..local import LocalPackage, read_package
from ..markers import RESOURCE_MARKER
from ..plan import SchemaRef, dataset_payload, resource_payload, schema_url_for
from ..quality import Quality, compute_quality

# What publish replaces with a resource's URL: a picture of the description, say.
RESOURCE_TOKEN = re.compile(r"\{\{resource:([^{}\s]+)\}\}")
IMAGE_FORMATS = {"png", "jpg", "jpeg", "gif", "svg", "webp"}
ASSETS = "fichiers"  # the folder, next to the page, that holds its pictures


@dataclass
class DatasetView:
    name: str  # the package name: the page's file name
    dataset: dict  # payload-shaped: title, description, license, frequency, tags, ...
    resources: list[dict]  # payload-shaped, plus filesize, checksum, mime
    quality: Quality
    assets: dict[str, Path] = field(default_factory=dict)  # file name -> local file to copy
    source: str = "local"  # "local" (what publish would send) or the server's URL


def package_settings(root: Path) -> dict[str, DatasetSettings]:
    """The per-package settings of publish.toml, as publish reads them."""
    path = root / CONFIG_FILE
    config = read_config(path)
    return {
        name: dataset_settings(name, raw, path) for name, raw in config.get("packages", {}).items()
    }


def is_image(resource: dict) -> bool:
    return (resource.get("format") or "").lower() in IMAGE_FORMATS


def local_view(
    package: LocalPackage, settings: DatasetSettings, *, now: dt.datetime, organization: str = ""
) -> DatasetView:
    """The page of `package` as it will be once published with `settings`."""
    dataset = dataset_payload(package, settings, organization)
    assets: dict[str, Path] = {}
    resources = []
    for file in package.files:
        resource = resource_payload(file, schema_url_for(file, {}))
        resource.update(
            filesize=file.size,
            checksum={"type": "sha1", "value": file.sha1},
            mime=file.mimetype,
            filetype="file",
        )
        if is_image(resource):
            assets[file.upload_name] = file.path
            resource["url"] = f"{ASSETS}/{file.upload_name}"
        resources.append(resource)
    by_marker = {f.marker: f for f in package.files}

    def local_url(match: re.Match) -> str:
        file = by_marker.get(match.group(1))
        if file is None:
            raise PublishError(
                f"{package.folder}: the description names resource {match.group(1)!r}, "
                "which the package does not have"
            )
        assets[file.upload_name] = file.path
        return f"{ASSETS}/{file.upload_name}"

    dataset["description"] = RESOURCE_TOKEN.sub(local_url, dataset["description"])
    quality = compute_quality(dataset, resources, now=now)
    return DatasetView(package.name, dataset, resources, quality, assets)


def local_views(
    root: Path, folders: list[Path], *, now: dt.datetime, organization: str = ""
) -> list[DatasetView]:
    """The pages of the package folders, with publish.toml's settings read as publish
    reads them (the folder's name picks the temporal fields, the package's the rest)."""
    settings = package_settings(root)
    views = []
    for folder in folders:
        temporal = settings.get(folder.name, DatasetSettings()).temporal_fields
        package = read_package(folder, temporal)
        chosen = settings.get(package.name, DatasetSettings())
        views.append(local_view(package, chosen, now=now, organization=organization))
    return views


def remote_view(dataset: dict, *, now: dt.datetime, source: str) -> DatasetView:
    """The page of a dataset as a udata server returns it (API v1)."""
    name = (dataset.get("extras") or {}).get("ddet:package") or dataset.get("slug") or dataset["id"]
    resources = list(dataset.get("resources") or [])
    quality = compute_quality(dataset, resources, now=now, last_update=dataset.get("last_update"))
    return DatasetView(name, dataset, resources, quality, source=source)


def schema_title(resource: dict, resources: list[dict]) -> str | None:
    """How a resource's schema reads: the title of the resource holding it, else its URL."""
    schema = resource.get("schema") or {}
    url = schema.get("url")
    if isinstance(url, SchemaRef):
        for other in resources:
            if (other.get("extras") or {}).get(RESOURCE_MARKER) == url.marker:
                return other.get("title")
        return url.marker
    if url:
        for other in resources:
            if url in (other.get("url"), other.get("latest")):
                return other.get("title")
        return url
    if schema.get("name"):
        return f"{schema['name']} {schema.get('version') or ''}".strip()
    return None
