"""Read the remote state, plan, apply the plan, and verify: publishing that converges.

Every write is one of: create the dataset, upload a file, replace a file, update
metadata, delete a resource. PUT and DELETE are retried by the client; a POST that
failed is never repeated blindly: `upload.recover_post` looks for what it was creating
(the dataset's marker, the file's checksum) and continues from what it finds. A run
killed at any point and run again finds its own objects by their markers and converges;
a run interrupted or failed says how many changes it applied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import (
    AuthenticationFailed,
    ConfigError,
    DdetError,
    Gone,
    NotFound,
    PermissionDenied,
    PublishError,
    PublishIncomplete,
    PublishInterrupted,
)
from . import markers
from . import plan as planning
from .apply import Applied, Applier, Events, Progress, quiet
from .client import Client
from .config import DatasetSettings, Target, read_id_cache, write_id_cache
from .local import LocalPackage, read_package

EDIT_ROLES = ("admin", "editor")


@dataclass
class RemoteState:
    organization: dict
    datasets: dict[str, dict | None]
    warnings: dict[str, list[str]] = field(default_factory=dict)
    settings: dict[str, DatasetSettings] = field(default_factory=dict)

    def settings_for(self, package: str) -> DatasetSettings:
        return self.settings.get(package, DatasetSettings())


# -- reading ---------------------------------------------------------------------------


def check_access(client: Client, organization: str) -> dict:
    """The organization, once the key is known valid and its user may publish there."""
    if not client.has_key:
        raise ConfigError(
            "DATAGOUV_API_KEY is not set: export the API key of the publishing account"
        )
    try:
        me = client.get("me/")
    except NotFound as exc:
        raise ConfigError(
            f"{client.api_url} has no /me/ endpoint: is it a udata API URL (ending with /api/1)?"
        ) from exc
    except AuthenticationFailed as exc:
        raise AuthenticationFailed(
            f"the API key was refused by {client.api_url} (401): check DATAGOUV_API_KEY "
            "(prod and demo keys differ)",
            exc.method,
            exc.url,
            exc.status,
        ) from exc
    try:
        org = client.get(f"organizations/{organization}/")
    except (NotFound, Gone) as exc:
        raise ConfigError(
            f"organization {organization!r} does not exist on {client.api_url}: "
            "check the target's organization id"
        ) from exc
    role = next(
        (
            m.get("role")
            for m in org.get("members", [])
            if (m.get("user") or {}).get("id") == me.get("id")
        ),
        None,
    )
    if role not in EDIT_ROLES:
        who = " ".join(filter(None, [me.get("first_name"), me.get("last_name")])) or me.get("id")
        raise PermissionDenied(
            f"the API key's user ({who}) is "
            + (f"only {role}" if role else "not a member")
            + f" of organization {org.get('name', organization)!r}: make it an admin or editor "
            "there, or use another key",
            "GET",
            client.url(f"organizations/{organization}/"),
            403,
        )
    return org


def check_server_accepts(client: Client, packages: list[LocalPackage], target: Target) -> None:
    """Licences and file extensions, checked before any write."""
    licences = {licence["id"] for licence in client.get("datasets/licenses/")}
    for package in packages:
        wanted = target.settings_for(package.name).license
        if wanted not in licences:
            raise ConfigError(
                f"publish.toml: [packages.{package.name}] license {wanted!r} is unknown to "
                f"{client.api_url} (it would silently become 'notspecified'); "
                f"known: {', '.join(sorted(licences))}"
            )
    extensions = set(client.get("datasets/extensions/"))
    for package in packages:
        for file in package.files:
            extension = file.upload_name.rsplit(".", 1)[-1].lower()
            if extension not in extensions:
                raise PublishError(
                    f"{client.api_url} refuses .{extension} uploads ({file.path}): ask the "
                    "platform to allow it"
                )


def spatial_settings(
    client: Client, package: str, settings: DatasetSettings, warnings: list[str]
) -> DatasetSettings:
    """Settings whose spatial coverage the server knows.

    A server without that granularity at all (a bare udata has no geographic
    referential) gets no spatial coverage, with a warning; an unknown zone of a known
    granularity is a typo, and an error.
    """
    if not settings.spatial_zones and not settings.spatial_granularity:
        return settings
    granularities = {g["id"] for g in client.get("spatial/granularities/")}
    if settings.spatial_granularity not in granularities:
        warnings.append(
            f"spatial granularity {settings.spatial_granularity!r} is unknown to "
            f"{client.api_url}: the dataset is published without spatial coverage"
        )
        return replace(settings, spatial_zones=(), spatial_granularity="")
    for zone in settings.spatial_zones:
        try:
            client.get(f"spatial/zone/{zone}/")
        except NotFound as exc:
            raise ConfigError(
                f"publish.toml: [packages.{package}] spatial zone {zone!r} is unknown to "
                f"{client.api_url} (France is 'country:fr')"
            ) from exc
    return settings


def datasets_of(client: Client, organization_id: str):
    yield from client.pages("datasets/", organization=organization_id, page_size=100)


def find_dataset(
    client: Client, organization_id: str, package: str, cached_id: str | None = None
) -> tuple[dict | None, list[str]]:
    """Our dataset for `package` on the server, found by its marker; the cache is a hint."""
    warnings: list[str] = []
    if cached_id:
        deleted = (
            f"the dataset {cached_id} of package {package!r} was deleted on {client.api_url} "
            "(410): restore it there, or remove its id from the id cache to publish a new one"
        )
        try:
            dataset = client.get(f"datasets/{cached_id}/")
        except NotFound:
            dataset = None
        except Gone as exc:
            raise Gone(deleted, exc.method, exc.url, exc.status) from exc
        if dataset and is_ours(dataset, package, organization_id):
            if dataset.get("deleted"):
                # Its owner still sees a deleted dataset; writing to it answers 410.
                raise Gone(deleted, "GET", client.url(f"datasets/{cached_id}/"), 410)
            return dataset, warnings
    found = [
        d for d in datasets_of(client, organization_id) if is_ours(d, package, organization_id)
    ]
    if not found:
        return None, warnings
    found.sort(key=lambda d: (d.get("created_at") or "", d["id"]))
    if len(found) > 1:
        others = ", ".join(d["id"] for d in found[1:])
        warnings.append(
            f"several datasets carry package {package!r}; using {found[0]['id']}, not {others}"
        )
    return client.get(f"datasets/{found[0]['id']}/"), warnings


def is_ours(dataset: dict, package: str, organization_id: str) -> bool:
    org = dataset.get("organization") or {}
    org_id = org.get("id") if isinstance(org, dict) else org
    extras = dataset.get("extras") or {}
    return extras.get(markers.PACKAGE_MARKER) == package and org_id == organization_id


def read_remote(client: Client, target: Target, packages: list[LocalPackage]) -> RemoteState:
    organization = check_access(client, target.organization)
    check_server_accepts(client, packages, target)
    cache = read_id_cache(target)
    datasets, warnings, settings = {}, {}, {}
    for package in packages:
        datasets[package.name], warnings[package.name] = find_dataset(
            client, organization["id"], package.name, cache.get(package.name)
        )
        settings[package.name] = spatial_settings(
            client, package.name, target.settings_for(package.name), warnings[package.name]
        )
    return RemoteState(organization, datasets, warnings, settings)


def load_packages(paths: list[Path], target: Target) -> list[LocalPackage]:
    packages = []
    for path in paths:
        name = (path.parent if path.name == "datapackage.json" else path).name
        settings = target.settings_for(name)
        packages.append(read_package(path, settings.temporal_fields))
    return packages


def make_plan(target: Target, packages: list[LocalPackage], remote: RemoteState, prune=False):
    org_id = remote.organization["id"]
    return planning.Plan(
        api_url=target.api_url,
        organization=org_id,
        packages=[
            planning.plan_package(
                package,
                remote.settings_for(package.name),
                org_id,
                remote.datasets.get(package.name),
                prune=prune,
                warnings=remote.warnings.get(package.name),
            )
            for package in packages
        ],
        prune=prune,
    )


# -- verifying -------------------------------------------------------------------------


def verify_package(
    client: Client, package: LocalPackage, dataset_id: str, organization_id: str
) -> list[str]:
    """Problems found when reading the dataset back (empty: the server holds the package)."""
    dataset = client.get(f"datasets/{dataset_id}/")
    problems = []
    if not is_ours(dataset, package.name, organization_id):
        problems.append(f"{package.name}: dataset {dataset_id} lost its marker or organization")
    by_marker: dict[str, list[dict]] = {}
    for resource in dataset.get("resources") or []:
        by_marker.setdefault(markers.marker_of(resource) or "", []).append(resource)
    for file in package.files:
        found = by_marker.get(file.marker, [])
        if len(found) != 1:
            problems.append(
                f"{package.name}: {len(found)} resources for {file.marker} (expected 1)"
            )
            continue
        resource = found[0]
        where = f"{package.name}: {file.marker}"
        if markers.checksum_of(resource) != file.sha1:
            remote = markers.checksum_of(resource)
            problems.append(f"{where}: checksum {remote} ≠ local {file.sha1}")
        if resource.get("filesize") != file.size:
            problems.append(f"{where}: size {resource.get('filesize')} ≠ local {file.size}")
        if file.schema_marker:
            schema = by_marker.get(file.schema_marker, [{}])[0]
            wanted = planning.url_of(schema)
            url = (resource.get("schema") or {}).get("url")
            if not wanted or url != wanted:
                problems.append(f"{where}: schema URL {url} ≠ {file.schema_marker}'s {wanted}")
    links = planning.linked_markers(dataset.get("description") or "")
    if links:
        problems.append(f"{package.name}: the description links to {', '.join(links)} unresolved")
    return problems


# -- the whole operation ---------------------------------------------------------------


@dataclass
class PublishResult:
    plan: planning.Plan
    applied: list[Applied] = field(default_factory=list)
    dry_run: bool = False
    cancelled: bool = False

    @property
    def writes(self) -> int:
        return sum(a.writes for a in self.applied)

    def to_dict(self) -> dict:
        return {
            "plan": self.plan.to_dict(),
            "dry_run": self.dry_run,
            "cancelled": self.cancelled,
            "datasets": [
                {"package": a.package, "id": a.dataset_id, "url": a.dataset_url, "writes": a.writes}
                for a in self.applied
            ],
        }


def open_client(target: Target, **options) -> Client:
    return Client(target.api_url, target.api_key, **options)


def plan(
    target: Target, paths: list[Path], *, prune: bool = False, client: Client | None = None
) -> planning.Plan:
    """What publishing `paths` to `target` would do (reads only)."""
    client = client or open_client(target)
    packages = load_packages(paths, target)
    remote = read_remote(client, target, packages)
    return make_plan(target, packages, remote, prune)


def publish(
    target: Target,
    paths: list[Path],
    *,
    prune: bool = False,
    dry_run: bool = False,
    confirm: Callable[[planning.Plan], bool] = lambda plan: True,
    on_plan: Callable[[planning.Plan], None] = quiet,
    events: Events = quiet,
    progress: Progress = quiet,
    client: Client | None = None,
) -> PublishResult:
    """Plan, then (unless dry run or refused) apply, then read back and verify."""
    client = client or open_client(target)
    packages = load_packages(paths, target)
    remote = read_remote(client, target, packages)
    the_plan = make_plan(target, packages, remote, prune)
    result = PublishResult(the_plan, dry_run=dry_run)
    on_plan(the_plan)
    if dry_run:
        return result
    if the_plan.has_changes and not confirm(the_plan):
        result.cancelled = True
        return result
    org_id = remote.organization["id"]
    applier = Applier(client, lambda name: find_dataset(client, org_id, name)[0], events, progress)
    try:
        apply_plan(applier, the_plan, remote, target, result)
    except KeyboardInterrupt as exc:
        raise PublishInterrupted(f"interrupted: {progress_note(applier.done, the_plan)}") from exc
    except DdetError as exc:
        if not applier.done:
            raise  # nothing applied: the error says all there is to say
        raise PublishIncomplete(f"{exc}; {progress_note(applier.done, the_plan)}") from exc
    try:
        problems = [
            problem
            for package, applied in zip(packages, result.applied, strict=True)
            for problem in verify_package(client, package, applied.dataset_id, org_id)
        ]
    except KeyboardInterrupt as exc:
        raise PublishInterrupted(
            f"interrupted while verifying: {progress_note(applier.done, the_plan)}"
        ) from exc
    if problems:
        raise PublishError("verification failed after publishing: " + "; ".join(problems))
    return result


def apply_plan(
    applier: Applier,
    the_plan: planning.Plan,
    remote: RemoteState,
    target: Target,
    result: PublishResult,
) -> None:
    ids = dict(read_id_cache(target))
    for package_plan in the_plan.packages:
        dataset = remote.datasets.get(package_plan.package)
        if package_plan.changes:
            applied = applier.apply_package(package_plan)
        else:
            url = (
                dataset.get("page")
                or dataset.get("uri")
                or applier.client.url(f"datasets/{dataset['id']}/")
            )
            applied = Applied(package_plan.package, dataset["id"], url, 0)
        result.applied.append(applied)
        ids[package_plan.package] = applied.dataset_id
        write_id_cache(target, ids)


def progress_note(done: int, the_plan: planning.Plan) -> str:
    total = len(the_plan.changes)
    return (
        f"{done} of {total} change(s) applied; the same command finishes the job "
        "(it picks up where this run stopped)"
    )


def validate(paths: list[Path]) -> dict:
    """The validation report of the packages about to be published (frictionless shape)."""
    from ..validate import validate_packages

    return validate_packages(list(paths))
