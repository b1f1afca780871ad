"""The plan: what publishing would change, as a pure diff of local packages and remote state.

No HTTP here. `publish.py` reads the remote state and calls `plan_package`; `apply.py`
executes the actions it returns, in their order, with the request bodies decided here.
So the plan printed is the plan applied, and a plan that says "nothing to do" means
that publishing sends no write request.

The order is the one that never shows a reader a mixed version: data files first,
then schemas and documentation, then `datapackage.json` (whose checksums describe the
data files), then deletions, and the dataset's metadata with its version marker last.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..errors import PublishError
from .config import DatasetSettings
from .local import LocalFile, LocalPackage
from .markers import PACKAGE_MARKER, RESOURCE_MARKER, VERSION_MARKER, checksum_of, marker_of

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
    """The URL of a resource not uploaded yet (a table's schema): known only once it is."""

    marker: str

    def __str__(self) -> str:
        return f"<URL of resource {self.marker}>"


@dataclass(frozen=True)
class Action:
    """One decision of the plan, with what `apply` needs to carry it out as decided.

    `body` is the request body (a dataset's, or a resource's metadata), links to
    resources not uploaded yet left as `SchemaRef` values or `{{resource:...}}` tokens;
    `file` is the local file an upload sends.
    """

    kind: str
    package: str
    marker: str | None = None
    resource_id: str | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    detail: str = ""
    body: dict | None = field(default=None, compare=False, repr=False)
    file: LocalFile | None = field(default=None, compare=False, repr=False)

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

    @property
    def unchanged(self) -> list[Action]:
        return [a for a in self.actions if a.kind == UNCHANGED]

    def to_dict(self) -> dict:
        return {
            "package": self.package,
            "dataset_id": self.dataset_id,
            "dataset_url": self.dataset_url,
            "actions": [a.to_dict() for a in self.actions],
            "unchanged": len(self.unchanged),
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
    """Every field we own, keeping the extras of others (a `SchemaRef` is resolved on apply)."""
    body = dict(desired)
    body["extras"] = {**(resource.get("extras") or {}), **desired["extras"]}
    return body


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
    return url_of(schema_resource)


def url_of(resource: dict) -> str | None:
    """A resource's stable URL: `latest` follows the file across replacements."""
    return resource.get("latest") or resource.get("url")


# -- links from the description to resources -------------------------------------------

# The description names a resource (an image, a document) by its marker; the URL is
# known only once the resource is uploaded.
LINK = re.compile(r"\{\{resource:([^{}\s]+)\}\}")


def linked_markers(text: str) -> list[str]:
    return LINK.findall(text)


def resolve_links(text: str, urls: dict[str, str]) -> str:
    """`text` with every `{{resource:<marker>}}` whose URL is known replaced by it."""
    return LINK.sub(lambda m: urls.get(m.group(1), m.group(0)), text)


def unresolved(body: dict) -> list[str]:
    """Markers of resources a request body still links to without their URL."""
    found = []
    schema = body.get("schema")
    if schema and isinstance(schema.get("url"), SchemaRef):
        found.append(schema["url"].marker)
    if isinstance(body.get("description"), str):
        found += linked_markers(body["description"])
    return found


def resolved(body: dict, urls: dict[str, str]) -> dict:
    """A request body with its links to resources replaced by their URLs (all known)."""
    body = dict(body)
    schema = body.get("schema")
    if schema and isinstance(schema.get("url"), SchemaRef):
        body["schema"] = {**schema, "url": urls.get(schema["url"].marker, schema["url"])}
    if isinstance(body.get("description"), str):
        body["description"] = resolve_links(body["description"], urls)
    missing = unresolved(body)
    if missing:
        raise PublishError(f"no URL yet for resource(s) {', '.join(missing)}: upload them first")
    return body


# -- the plan of one package -----------------------------------------------------------


def upload_phase(file: LocalFile) -> int:
    """Data files, then schemas and documentation, then the descriptor."""
    if file.marker == "datapackage/json":
        return 2
    return 0 if file.type == "main" else 1


def upload_order(files) -> list[LocalFile]:
    return sorted(files, key=upload_phase)  # stable: the package's order within a phase


def upload_detail(file: LocalFile) -> str:
    return f"{file.path.name} ({file.size} bytes)"


def plan_package(
    package: LocalPackage,
    settings: DatasetSettings,
    organization: str,
    dataset: dict | None,
    *,
    prune: bool = False,
    warnings: list[str] | None = None,
) -> PackagePlan:
    """The actions that take `dataset` (None: absent) to the state of `package`, in order."""
    name = package.name
    desired = dataset_payload(package, settings, organization)
    unknown = set(linked_markers(desired["description"])) - {f.marker for f in package.files}
    if unknown:
        raise PublishError(
            f"{package.folder}: the description links to {', '.join(sorted(unknown))}, "
            "which the package does not publish"
        )
    files = upload_order(package.files)
    actions: list[Action] = []
    if dataset is None:
        actions.append(Action(CREATE_DATASET, name, detail=package.title, body=desired))
        for file in files:
            body = resource_payload(file, schema_url_for(file, {}))
            actions.append(
                Action(UPLOAD, name, file.marker, detail=upload_detail(file), body=body, file=file)
            )
        if linked_markers(desired["description"]):
            # Created with the links as tokens: they are set once their targets exist.
            actions.append(
                Action(
                    UPDATE_DATASET,
                    name,
                    detail="description: links to the resources uploaded above",
                    body=desired,
                )
            )
        return PackagePlan(name, None, None, actions, list(warnings or []))

    matching = match_resources(package.files, dataset.get("resources") or [])
    for file in files:
        actions.append(file_action(name, file, matching.ours))
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
    urls = {marker: url_of(resource) for marker, resource in matching.ours.items()}
    desired["description"] = resolve_links(desired["description"], urls)
    changes = dataset_changes(dataset, desired)
    if changes:
        body = dataset_update_body(dataset, desired)
        actions.append(Action(UPDATE_DATASET, name, changes=changes, body=body))
    else:
        actions.append(Action(UNCHANGED, name, detail="dataset metadata"))
    url = dataset.get("page") or dataset.get("uri")
    return PackagePlan(name, dataset["id"], url, actions, list(warnings or []))


def file_action(package: str, file: LocalFile, ours: dict[str, dict]) -> Action:
    """The one decision about one file: upload, replace, update its metadata, or nothing."""
    wanted = resource_payload(file, schema_url_for(file, ours))
    resource = ours.get(file.marker)
    if resource is None:
        return Action(
            UPLOAD, package, file.marker, detail=upload_detail(file), body=wanted, file=file
        )
    rid = resource["id"]
    body = resource_update_body(resource, wanted)
    meta = resource_changes(resource, wanted)
    if checksum_of(resource) != file.sha1:
        # The server resets a replaced file's title to the file name, and the metadata
        # sent after every upload sets it back: a title left so is no change to show.
        if "title" in meta and file.is_upload_title(meta["title"][0]):
            del meta["title"]
        changes = {"checksum": (checksum_of(resource), file.sha1), **meta}
        return Action(
            REPLACE_FILE, package, file.marker, rid, changes, upload_detail(file), body, file
        )
    if meta:
        return Action(UPDATE_RESOURCE, package, file.marker, rid, changes=meta, body=body)
    return Action(UNCHANGED, package, file.marker, rid)


# -- text for people -------------------------------------------------------------------


def render(plan: Plan, verbose: bool = False) -> str:
    """The plan as text for people: one line per change, the unchanged counted."""
    lines = [f"target: {plan.api_url} (organization {plan.organization})"]
    for package in plan.packages:
        where = package.dataset_url or "new dataset"
        lines.append(f"\n{package.package}: {where}")
        for warning in package.warnings:
            lines.append(f"  ! {warning}")
        for action in package.actions:
            if action.kind != UNCHANGED:
                lines += ["  " + line for line in describe(action).splitlines()]
        unchanged = package.unchanged
        if unchanged:
            lines.append(f"  = {count_unchanged(unchanged)}")
            if verbose:
                lines += ["      " + (a.marker or a.detail) for a in unchanged]
    count = len(plan.changes)
    lines.append("")
    lines.append(
        f"{count} change(s) pending" if count else "nothing to do: the server is up to date"
    )
    return "\n".join(lines)


def count_unchanged(actions: list[Action]) -> str:
    resources = sum(1 for a in actions if a.marker)
    parts = ["dataset metadata"] if any(not a.marker for a in actions) else []
    if resources:
        parts.append(f"{resources} resource{'s' if resources > 1 else ''}")
    return f"unchanged: {' and '.join(parts)} (--verbose lists them)"


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
DIFF_LINES = 8


def short(value: Any, width: int = 60) -> str:
    text = str(jsonable(value)).replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def text_diff(old: str, new: str, limit: int = DIFF_LINES) -> list[str]:
    """The changed lines of a text, `-` old and `+` new, at most `limit` of them, each cut
    around where it differs from its counterpart."""
    before, after = old.splitlines(), new.splitlines()
    changed = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed, added = before[i1:i2], after[j1:j2]
        for mine, others, sign in ((removed, added, "-"), (added, removed, "+")):
            for k, line in enumerate(mine):
                other = others[k] if k < len(others) else ""
                changed.append(f"{sign} {excerpt(line, other)}")
    shown = changed[:limit]
    if len(changed) > limit:
        shown.append(f"… {len(changed) - limit} more changed line(s)")
    return shown


def excerpt(line: str, other: str, width: int = 76) -> str:
    """`line`, shortened to `width`, starting a little before its first difference."""
    same = len(os.path.commonprefix([line, other]))
    start = max(0, same - 20) if same > width - 20 else 0
    return ("…" if start else "") + short(line[start:], width)


def describe(action: Action) -> str:
    """One line for the action, then one line per changed field (a text: its diff)."""
    head = SYMBOLS[action.kind]
    if action.marker:
        head += f" {action.marker}"
    if action.detail:
        head += f": {action.detail}"
    lines = [head]
    for key, (old, new) in action.changes.items():
        if key == "checksum":
            continue
        if isinstance(old, str) and isinstance(new, str) and "\n" in old + new:
            lines.append(f"    {key} (changed lines, - old + new):")
            lines += ["      " + line for line in text_diff(old, new)]
        else:
            lines.append(f"    {key}: {short(old)} → {short(new)}")
    return "\n".join(lines)
