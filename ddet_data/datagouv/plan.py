"""The plan: what publishing would change, as a pure diff of local packages and remote state.

No HTTP here. `publish.py` reads the remote state, calls these functions, and applies
the same diff step by step, so that a plan that says "nothing to do" means that
publishing sends no write request.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .config import DatasetSettings
from .local import LocalFile, LocalPackage

PACKAGE_MARKER = "ddet:package"
VERSION_MARKER = "ddet:version"
RESOURCE_MARKER = "ddet:resource"

CREATE_DATASET = "create_dataset"
UPDATE_DATASET = "update_dataset"
UPLOAD = "upload"
REPLACE_FILE = "replace_file"
UPDATE_RESOURCE = "update_resource"
DELETE_RESOURCE = "delete_resource"
STALE = "stale"  # ours, gone locally, kept because --prune was not given
UNCHANGED = "unchanged"
CHANGES = (CREATE_DATASET, UPDATE_DATASET, UPLOAD, REPLACE_FILE, UPDATE_RESOURCE, DELETE_RESOURCE)


@dataclass(frozen=True)
class SchemaRef:
    """The URL of a schema resource not uploaded yet: known only once it is."""

    marker: str

    def __str__(self) -> str:
        return f"<URL of resource {self.marker}>"


@dataclass(frozen=True)
class Action:
    kind: str
    package: str
    marker: str | None = None
    resource_id: str | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    detail: str = ""

    @property
    def is_change(self) -> bool:
        return self.kind in CHANGES

    def to_dict(self) -> dict:
        return {
            "action": self.kind,
            "package": self.package,
            "resource": self.marker,
            "resource_id": self.resource_id,
            "changes": {
                k: {"old": jsonable(o), "new": jsonable(n)} for k, (o, n) in self.changes.items()
            },
            "detail": self.detail,
        }


@dataclass
class PackagePlan:
    package: str
    dataset_id: str | None
    dataset_url: str | None
    actions: list[Action]
    warnings: list[str] = field(default_factory=list)

    @property
    def changes(self) -> list[Action]:
        return [a for a in self.actions if a.is_change]

    def to_dict(self) -> dict:
        return {
            "package": self.package,
            "dataset_id": self.dataset_id,
            "dataset_url": self.dataset_url,
            "actions": [a.to_dict() for a in self.actions],
            "warnings": self.warnings,
        }


@dataclass
class Plan:
    api_url: str
    organization: str
    packages: list[PackagePlan]
    prune: bool = False

    @property
    def changes(self) -> list[Action]:
        return [a for p in self.packages for a in p.changes]

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def to_dict(self) -> dict:
        return {
            "api_url": self.api_url,
            "organization": self.organization,
            "prune": self.prune,
            "changes": len(self.changes),
            "packages": [p.to_dict() for p in self.packages],
        }


def jsonable(value: Any) -> Any:
    if isinstance(value, SchemaRef):
        return str(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


# -- desired state ---------------------------------------------------------------------

TAG_MIN_LENGTH, TAG_MAX_LENGTH = 3, 96  # udata's defaults


def normalize_tag(tag: str) -> str:
    """As udata stores a tag (slugified, lower case), so that a plan after publish is empty."""
    ascii_text = unicodedata.normalize("NFKD", tag).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def normalize_tags(tags) -> list[str]:
    normalized = {normalize_tag(tag) for tag in tags}
    return sorted(t for t in normalized if TAG_MIN_LENGTH <= len(t) <= TAG_MAX_LENGTH)


def dataset_payload(package: LocalPackage, settings: DatasetSettings, organization: str) -> dict:
    """The dataset fields we own, as sent to `POST /datasets/`."""
    payload = {
        "title": package.title,
        "description": package.description.strip(),
        "description_short": package.description_short,
        "organization": organization,
        "license": settings.license,
        "frequency": settings.frequency,
        "tags": normalize_tags(settings.tags),
        "private": settings.private,
        "extras": {PACKAGE_MARKER: package.name, VERSION_MARKER: package.version},
    }
    if settings.spatial_granularity:
        payload["spatial"] = {
            "zones": list(settings.spatial_zones),
            "granularity": settings.spatial_granularity,
        }
    if package.temporal_coverage:
        payload["temporal_coverage"] = dict(package.temporal_coverage)
    return payload


def resource_payload(file: LocalFile, schema_url: str | SchemaRef | None) -> dict:
    payload = {
        "title": file.title,
        "description": file.description,
        "type": file.type,
        "format": file.format,
        "extras": {RESOURCE_MARKER: file.marker},
    }
    if schema_url is not None:
        payload["schema"] = {"url": schema_url}
    return payload


# -- comparing -------------------------------------------------------------------------


def remote_dataset_value(dataset: dict, key: str) -> Any:
    value = dataset.get(key)
    if key == "organization":
        return (value or {}).get("id") if isinstance(value, dict) else value
    if key == "description":
        return (value or "").strip()
    if key == "tags":
        return sorted(value or [])
    if key == "private":
        return bool(value)
    if key == "spatial":
        value = value or {}
        return {"zones": list(value.get("zones") or []), "granularity": value.get("granularity")}
    if key == "temporal_coverage":
        value = value or {}
        return {"start": value.get("start"), "end": value.get("end")} if value else None
    if key == "extras":
        value = value or {}
        return {k: value.get(k) for k in (PACKAGE_MARKER, VERSION_MARKER)}
    return value


def dataset_changes(dataset: dict, desired: dict) -> dict[str, tuple[Any, Any]]:
    changes = {}
    for key, new in desired.items():
        old = remote_dataset_value(dataset, key)
        if key == "organization" and isinstance(dataset.get(key), dict):
            if new in (dataset[key].get("id"), dataset[key].get("slug")):
                continue
        if old != new:
            changes[key] = (old, new)
    return changes


def dataset_update_body(dataset: dict, desired: dict) -> dict:
    """Every field we own, not only the changed ones.

    udata's partial update is not quite partial: a PUT without `temporal_coverage`
    clears it. Extras are replaced whole, so the keys of others are kept.
    """
    body = dict(desired)
    body["extras"] = {**(dataset.get("extras") or {}), **desired["extras"]}
    return body


def remote_resource_value(resource: dict, key: str) -> Any:
    value = resource.get(key)
    if key == "description":
        return (value or "").strip()
    if key == "schema":
        return {"url": value.get("url")} if isinstance(value, dict) and value.get("url") else None
    if key == "extras":
        return {RESOURCE_MARKER: (value or {}).get(RESOURCE_MARKER)}
    return value


def resource_changes(resource: dict, desired: dict) -> dict[str, tuple[Any, Any]]:
    changes = {}
    for key, new in desired.items():
        old = remote_resource_value(resource, key)
        if key == "description":
            new = new.strip()
        if old != new:
            changes[key] = (old, new)
    return changes


def resource_update_body(resource: dict, desired: dict) -> dict:
    """Every field we own (schema URL resolved), keeping the extras of others."""
    body = dict(desired)
    schema = body.get("schema")
    if schema and isinstance(schema.get("url"), SchemaRef):
        raise ValueError(f"the schema resource {schema['url'].marker} must be uploaded first")
    body["extras"] = {**(resource.get("extras") or {}), **desired["extras"]}
    return body


def checksum_of(resource: dict) -> str | None:
    checksum = resource.get("checksum") or {}
    return checksum.get("value") if checksum.get("type", "sha1") == "sha1" else None


def marker_of(resource: dict) -> str | None:
    return (resource.get("extras") or {}).get(RESOURCE_MARKER)


# -- matching remote resources to local files ------------------------------------------


@dataclass
class Matching:
    ours: dict[str, dict]  # marker -> remote resource
    duplicates: list[dict]  # second copies of one of our markers
    stale: list[dict]  # ours on the server, no longer on disk


def match_resources(files: tuple[LocalFile, ...], resources: list[dict]) -> Matching:
    """Pair local files with the dataset's resources, by marker first.

    A resource uploaded by an interrupted run has no marker yet: it is recognized by its
    checksum, or by the title the server gives a fresh upload (the file name we sent).
    """
    wanted = {f.marker: f for f in files}
    ours: dict[str, dict] = {}
    duplicates: list[dict] = []
    stale: list[dict] = []
    unmarked = []
    for resource in resources:
        marker = marker_of(resource)
        if marker is None:
            unmarked.append(resource)
        elif marker not in wanted:
            stale.append(resource)
        elif marker in ours:
            # Keep the copy whose file is the local one; the other is a duplicate.
            kept = ours[marker]
            if (
                checksum_of(resource) == wanted[marker].sha1
                and checksum_of(kept) != wanted[marker].sha1
            ):
                ours[marker], resource = resource, kept
            duplicates.append(resource)
        else:
            ours[marker] = resource
    # Same content first, then a name we gave an upload; leftovers named like ours are
    # orphan copies (a run stopped between upload and marking) and get deleted.
    for same in (
        lambda r, f: checksum_of(r) == f.sha1,
        lambda r, f: f.is_upload_title(r.get("title")),
    ):
        for resource in list(unmarked):
            for file in files:
                if file.marker not in ours and same(resource, file):
                    ours[file.marker] = resource
                    unmarked.remove(resource)
                    break
    for resource in unmarked:
        if any(f.is_upload_title(resource.get("title")) for f in files):
            duplicates.append(resource)
    return Matching(ours, duplicates, stale)


def schema_url_for(file: LocalFile, ours: dict[str, dict]) -> str | SchemaRef | None:
    if file.schema_marker is None:
        return None
    schema_resource = ours.get(file.schema_marker)
    if schema_resource is None:
        return SchemaRef(file.schema_marker)
    return schema_resource.get("latest") or schema_resource.get("url")


def plan_package(
    package: LocalPackage,
    settings: DatasetSettings,
    organization: str,
    dataset: dict | None,
    *,
    prune: bool = False,
    warnings: list[str] | None = None,
) -> PackagePlan:
    """The actions that take `dataset` (None: absent) to the state of `package`."""
    name = package.name
    desired = dataset_payload(package, settings, organization)
    actions: list[Action] = []
    if dataset is None:
        actions.append(Action(CREATE_DATASET, name, detail=package.title))
        for file in package.files:
            actions.append(
                Action(UPLOAD, name, file.marker, detail=f"{file.path.name} ({file.size} bytes)")
            )
        return PackagePlan(name, None, None, actions, list(warnings or []))

    changes = dataset_changes(dataset, desired)
    if changes:
        actions.append(Action(UPDATE_DATASET, name, changes=changes))
    matching = match_resources(package.files, dataset.get("resources") or [])
    for file in package.files:
        resource = matching.ours.get(file.marker)
        if resource is None:
            actions.append(
                Action(UPLOAD, name, file.marker, detail=f"{file.path.name} ({file.size} bytes)")
            )
            continue
        rid = resource["id"]
        changed = False
        if checksum_of(resource) != file.sha1:
            actions.append(
                Action(
                    REPLACE_FILE,
                    name,
                    file.marker,
                    rid,
                    changes={"checksum": (checksum_of(resource), file.sha1)},
                    detail=f"{file.path.name} ({file.size} bytes)",
                )
            )
            changed = True
        wanted = resource_payload(file, schema_url_for(file, matching.ours))
        meta = resource_changes(resource, wanted)
        if changed:
            # Replacing a file resets its title to the file name: it is set again.
            meta.setdefault("title", (file.upload_name, file.title))
        if meta:
            actions.append(Action(UPDATE_RESOURCE, name, file.marker, rid, changes=meta))
        elif not changed:
            actions.append(Action(UNCHANGED, name, file.marker, rid))
    for resource in matching.duplicates:
        actions.append(
            Action(
                DELETE_RESOURCE,
                name,
                marker_of(resource) or resource.get("title"),
                resource["id"],
                detail="duplicate of one of our resources",
            )
        )
    for resource in matching.stale:
        kind = DELETE_RESOURCE if prune else STALE
        detail = "no longer in the package" + ("" if prune else " (kept; --prune deletes it)")
        actions.append(Action(kind, name, marker_of(resource), resource["id"], detail=detail))
    if not changes:
        actions.insert(0, Action(UNCHANGED, name, detail="dataset metadata"))
    url = dataset.get("page") or dataset.get("uri")
    return PackagePlan(name, dataset["id"], url, actions, list(warnings or []))


def render(plan: Plan) -> str:
    """The plan as text for people."""
    lines = [f"target: {plan.api_url} (organization {plan.organization})"]
    for package in plan.packages:
        where = package.dataset_url or "new dataset"
        lines.append(f"\n{package.package}: {where}")
        for warning in package.warnings:
            lines.append(f"  ! {warning}")
        for action in package.actions:
            lines.append("  " + describe(action))
    count = len(plan.changes)
    lines.append("")
    lines.append(
        f"{count} change(s) pending" if count else "nothing to do: the server is up to date"
    )
    return "\n".join(lines)


SYMBOLS = {
    CREATE_DATASET: "+ create dataset",
    UPDATE_DATASET: "~ update dataset",
    UPLOAD: "+ upload",
    REPLACE_FILE: "~ replace file",
    UPDATE_RESOURCE: "~ update resource",
    DELETE_RESOURCE: "- delete resource",
    STALE: "! stale resource",
    UNCHANGED: "= unchanged",
}


def short(value: Any, width: int = 60) -> str:
    text = str(jsonable(value)).replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def describe(action: Action) -> str:
    head = SYMBOLS[action.kind]
    if action.marker:
        head += f" {action.marker}"
    if action.detail:
        head += f": {action.detail}"
    for key, (old, new) in action.changes.items():
        head += f"\n      {key}: {short(old)} → {short(new)}"
    return head
