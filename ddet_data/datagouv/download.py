"""The researchers' side of data.gouv.fr: download a published package, checked file by file.

The dataset is found by its `ddet:package` marker among the organization's datasets, or
by its id. Every file is fetched through the client (origin check, retries, redirects)
from the resource's stable URL (`/api/1/datasets/r/{rid}`), anonymously, into a staging
folder beside the destination: `<file>.part` first (resumed with a Range request after
an interruption), then checked: sha1 against the server's checksum, and size and sha256
against the published `datapackage.json`. Only when every file passes do they move into
the destination (one rename when it did not exist), `datapackage.json` last, so a folder
that has one is complete.

A file that matches the server but not the published `datapackage.json` means a publish
is under way or was interrupted: the download starts again after a pause, a few times,
then fails and keeps nothing, rather than hand back files of two versions.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import ApiError, ConfigError, DownloadError, MixedVersion, NetworkError, NotFound
from .client import Client, is_loopback
from .config import CONFIG_FILE, read_config, sandbox_values
from .markers import (
    DESCRIPTOR_MARKER,
    DOCUMENT_MARKERS,
    RESOURCE_MARKER,
    by_marker,
    checksum_of,
    data_marker,
    package_of,
    schema_marker,
)

PROD_API_URL = "https://www.data.gouv.fr/api/1"
FORMATS = ("csv", "parquet")
VERSION_ATTEMPTS = 4  # downloads of a dataset whose files and datapackage.json disagree
VERSION_BACKOFF = 2  # the first pause is the client's backoff * 2**2 (2 s by default)
DATASET_ID = re.compile(r"[0-9a-f]{24}")

# progress(path, done_bytes, total_bytes or None)
Progress = Callable[[str, int, "int | None"], None]


def quiet(*_args) -> None:
    return None


@dataclass(frozen=True)
class Source:
    """Where to look: an API URL and, to find a package by marker, an organization."""

    api_url: str
    organization: str | None


@dataclass(frozen=True)
class Wanted:
    """One file to bring: where it goes and what it must be."""

    relative: str
    resource_id: str
    url: str  # the stable /datasets/r/{rid} URL
    sha1: str | None  # the server's checksum
    sha256: str | None  # from the published datapackage.json
    size: int | None


@dataclass
class DownloadResult:
    folder: Path
    package: str
    dataset_id: str
    version: str
    downloaded: list[str] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # already present and identical

    def to_dict(self) -> dict:
        return {
            "folder": str(self.folder),
            "package": self.package,
            "dataset_id": self.dataset_id,
            "version": self.version,
            "downloaded": self.downloaded,
            "resumed": self.resumed,
            "kept": self.kept,
        }


# -- where to look ---------------------------------------------------------------------


def resolve_source(
    root: Path | None = None,
    target: str | None = None,
    *,
    api_url: str | None = None,
    organization: str | None = None,
    environ: dict | None = None,
) -> Source:
    """Options, then DATAGOUV_API_URL / DATAGOUV_ORGANIZATION, then publish.toml's target.

    Without publish.toml (a researcher outside the repository) the default is
    www.data.gouv.fr. No key is read: downloading is anonymous.
    """
    environ = os.environ if environ is None else environ
    config = {}
    if root is not None and (root / CONFIG_FILE).is_file():
        config = read_config(root / CONFIG_FILE)
    elif target:
        raise ConfigError(f"--target {target}: no {CONFIG_FILE} in {root or '.'}")
    targets = config.get("targets", {})
    name = target or environ.get("DATAGOUV_TARGET") or config.get("default_target")
    raw = {}
    if name:
        if name not in targets:
            raise ConfigError(
                f"{root / CONFIG_FILE}: unknown target {name!r} "
                f"(known: {', '.join(sorted(targets)) or 'none'})"
            )
        raw = targets[name]
        if raw.get("sandbox"):
            raw = {**sandbox_values(root), **raw}
    url = api_url or environ.get("DATAGOUV_API_URL") or raw.get("api_url") or raw.get("url")
    org = organization or environ.get("DATAGOUV_ORGANIZATION") or raw.get("organization")
    return Source(url or PROD_API_URL, org or None)


# -- finding the dataset ---------------------------------------------------------------


def find_dataset(client: Client, wanted: str, organization: str | None) -> dict:
    """The dataset of package `wanted` (by marker) or with id/slug `wanted`."""
    if DATASET_ID.fullmatch(wanted):
        return get_dataset(client, wanted)
    if organization:
        found = [
            d
            for d in client.pages("datasets/", organization=organization, page_size=100)
            if package_of(d) == wanted
        ]
        if len(found) > 1:
            ids = ", ".join(d["id"] for d in found)
            raise DownloadError(
                f"{len(found)} datasets of organization {organization} carry package "
                f"{wanted!r} ({ids}): pass the id of the one to download"
            )
        if found:
            return get_dataset(client, found[0]["id"])
    try:
        return get_dataset(client, wanted)
    except DownloadError:
        where = f"organization {organization}" if organization else "this platform"
        hint = (
            ""
            if organization
            else " (no organization is set: pass --organization or set DATAGOUV_ORGANIZATION)"
        )
        raise DownloadError(
            f"{client.api_url}: no dataset for package {wanted!r} in {where}, and no "
            f"dataset with that id or slug{hint}"
        ) from None


def get_dataset(client: Client, dataset_id: str) -> dict:
    try:
        return client.get(f"datasets/{dataset_id}/")
    except NotFound as exc:
        raise DownloadError(f"{client.api_url}: no dataset {dataset_id!r}") from exc


def stable_url(client: Client, resource: dict) -> str:
    return client.url(f"datasets/r/{resource['id']}")


# -- what to bring ---------------------------------------------------------------------


def plan_files(
    client: Client, descriptor: dict, resources: dict[str, dict], formats: tuple[str, ...]
) -> tuple[list[Wanted], dict]:
    """The files to download and the descriptor to write (without skipped formats)."""
    wanted: list[Wanted] = []
    kept_resources = []
    schemas_done: set[str] = set()

    def add(marker: str, relative: str, sha256: str | None = None, size: int | None = None):
        resource = resources.get(marker)
        if resource is None:
            raise MixedVersion(
                f"the dataset has no resource {marker!r} for {relative}, which its "
                "datapackage.json lists: it is incompletely published"
            )
        filesize = resource.get("filesize")
        if size is not None and isinstance(filesize, int) and filesize != size:
            raise MixedVersion(
                f"{relative}: the server's file has {filesize} bytes, the published "
                f"datapackage.json says {size}: {DISAGREE}"
            )
        wanted.append(
            Wanted(
                relative=safe_relative(relative),
                resource_id=resource["id"],
                url=stable_url(client, resource),
                sha1=checksum_of(resource),
                sha256=sha256,
                size=size,
            )
        )

    for resource in descriptor.get("resources", []):
        fmt = resource.get("format") or Path(resource["path"]).suffix.lstrip(".")
        table = resource.get("table", resource.get("name"))
        if fmt not in formats:
            continue
        kept_resources.append(resource)
        digest = str(resource.get("hash", ""))
        sha256 = digest.removeprefix("sha256:") if digest.startswith("sha256:") else None
        add(data_marker(table, fmt), resource["path"], sha256, resource.get("bytes"))
        schema = resource.get("schema")
        if isinstance(schema, str) and schema not in schemas_done:
            schemas_done.add(schema)
            add(schema_marker(table), schema)
    if not kept_resources:
        raise DownloadError(f"the package has no {' or '.join(formats)} file")
    # A Parquet-only download keeps the schemas: they document the tables.
    for resource in descriptor.get("resources", []):
        table = resource.get("table", resource.get("name"))
        schema = resource.get("schema")
        if (
            isinstance(schema, str)
            and schema not in schemas_done
            and schema_marker(table) in resources
        ):
            schemas_done.add(schema)
            add(schema_marker(table), schema)
    for relative, marker in DOCUMENT_MARKERS.items():
        if marker in resources:
            add(marker, relative)
    written = {**descriptor, "resources": kept_resources}
    return wanted, written


def safe_relative(relative: str) -> str:
    """A path from a published descriptor may not leave the destination folder."""
    path = Path(relative)
    if path.is_absolute() or ".." in path.parts or not relative:
        raise DownloadError(f"the published datapackage.json names an unsafe path {relative!r}")
    return path.as_posix()


# -- fetching one file -----------------------------------------------------------------

DISAGREE = (
    "the dataset's files and its datapackage.json disagree: "
    "a publish is under way or was interrupted"
)


def file_sha1(path: Path) -> str:
    digest = hashlib.sha1()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def check_file(path: Path, want: Wanted) -> tuple[str, str] | None:
    """What is wrong with `path` as `want`, and whose fact it breaks ("server" or
    "descriptor"); None if it matches every known fact."""
    data_sha1, data_sha256, size = hashlib.sha1(), hashlib.sha256(), 0
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            data_sha1.update(chunk)
            data_sha256.update(chunk)
            size += len(chunk)
    if want.sha1 and data_sha1.hexdigest() != want.sha1:
        return f"sha1 {data_sha1.hexdigest()} ≠ the server's checksum {want.sha1}", "server"
    if want.size is not None and size != want.size:
        return f"{size} bytes ≠ {want.size} in the published datapackage.json", "descriptor"
    if want.sha256 and data_sha256.hexdigest() != want.sha256:
        return (
            f"sha256 {data_sha256.hexdigest()} ≠ the published datapackage.json's {want.sha256}",
            "descriptor",
        )
    return None


def fetch(client: Client, want: Wanted, dest: Path, stage: Path, progress: Progress) -> str:
    """Bring one file into the staging folder; 'kept' (identical in `dest`), 'downloaded'
    or 'resumed' (from a `.part`, or a file an interrupted run brought)."""
    if (dest / want.relative).is_file() and check_file(dest / want.relative, want) is None:
        return "kept"
    final = stage / want.relative
    if final.is_file() and check_file(final, want) is None:
        return "resumed"
    part = final.with_name(final.name + ".part")
    final.parent.mkdir(parents=True, exist_ok=True)
    earlier = dest / part.relative_to(stage)  # where runs before staging left their parts
    if earlier.is_file() and not part.is_file():
        earlier.replace(part)
    resumed = part.is_file() and part.stat().st_size > 0
    try:
        whole = fetch_once(client, want, part, progress)
    except NetworkError as exc:
        raise NetworkError(f"{want.relative}: {exc}", exc.method, exc.url) from exc
    if not whole:
        text = f"{want.relative}: GET {want.url}: the connection closed before the end of the file"
        raise NetworkError(text, "GET", want.url)
    problem = check_file(part, want)
    if problem:
        part.unlink(missing_ok=True)
        text, against = problem
        head = f"{want.relative}: checksum mismatch, file deleted: {text}"
        if against == "descriptor":
            raise MixedVersion(f"{head}: {DISAGREE}")
        raise DownloadError(f"{head} (resource {want.resource_id}, {want.url})")
    part.replace(final)
    return "resumed" if resumed else "downloaded"


def fetch_once(client: Client, want: Wanted, part: Path, progress: Progress) -> bool:
    """One GET into `part` (resumed from its size); True if the whole file arrived."""
    offset = part.stat().st_size if part.is_file() else 0
    if want.size is not None and offset > want.size:
        part.unlink()
        offset = 0
    try:
        response = client.open_file(want.url, offset)
    except NotFound as exc:
        raise DownloadError(f"GET {want.url} ({want.relative}): no such resource (404)") from exc
    with response:
        where = urlsplit(response.url)
        if not (where.scheme == "https" or is_loopback(where.hostname)):
            raise DownloadError(f"GET {response.url}: refusing a non-https file URL")
        if response.status_code == 416:
            # Nothing left after `offset`: the part is whole (checked by the caller).
            return True
        if response.status_code == 200:
            offset = 0  # the server ignored the Range: start over
        length = response.headers.get("Content-Length")
        total = want.size or ((offset + int(length)) if length and length.isdigit() else None)
        done = offset
        with open(part, "ab" if offset else "wb") as out:
            for chunk in client.chunks(response):
                out.write(chunk)
                done += len(chunk)
                progress(want.relative, done, total)
        return total is None or done >= total


# -- the whole package -----------------------------------------------------------------


def staging_folder(dest: Path) -> Path:
    """Beside the destination (the same disk, so that files move by renaming)."""
    dest = dest.absolute()
    return dest.parent / f".{dest.name}.download"


def read_descriptor(
    client: Client, resource: dict, dest: Path, stage: Path, progress: Progress
) -> tuple[dict, Path, str]:
    """The published datapackage.json: the local one if identical, else a fresh copy."""
    local = dest / "datapackage.json"
    want = Wanted(
        relative="datapackage.json.published",
        resource_id=resource["id"],
        url=stable_url(client, resource),
        sha1=checksum_of(resource),
        sha256=None,
        size=None,
    )
    if want.sha1 and local.is_file() and file_sha1(local) == want.sha1:
        path, outcome = local, "kept"
    else:
        outcome = fetch(client, want, stage, stage, progress)
        outcome = "downloaded" if outcome == "kept" else outcome  # brought by an earlier run
        path = stage / want.relative
    try:
        return json.loads(path.read_text(encoding="utf-8")), path, outcome
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DownloadError(f"{want.url}: the published datapackage.json is not JSON") from exc


def download(
    package: str,
    dest: Path | None = None,
    *,
    source: Source | None = None,
    formats: tuple[str, ...] = FORMATS,
    progress: Progress = quiet,
    client: Client | None = None,
) -> DownloadResult:
    """Download package (or dataset id) `package` into `dest` (default: ./<package>).

    Files of two versions are never mixed: while the dataset's files and its
    datapackage.json disagree, the download is tried again after a pause (the client's
    backoff), then fails with `MixedVersion`, keeping nothing."""
    source = source or resolve_source(repository_root())
    unknown = set(formats) - set(FORMATS)
    if unknown or not formats:
        raise DownloadError(f"unknown format(s) {sorted(unknown)}: choose among {FORMATS}")
    own_client = client is None
    client = client or Client(source.api_url)  # anonymous: no key, ever
    attempt = 0
    try:
        while True:
            try:
                return download_once(client, package, dest, source, tuple(formats), progress)
            except MixedVersion as exc:
                attempt += 1
                if attempt == VERSION_ATTEMPTS:
                    raise MixedVersion(
                        f"{exc}; still so after {VERSION_ATTEMPTS} tries, nothing was kept: "
                        "try again once the publish is over"
                    ) from exc
                client.sleep(client.delay(attempt - 1 + VERSION_BACKOFF, None))
    except NetworkError as exc:
        raise DownloadError(f"{exc}; run the download again to resume") from exc
    except ApiError as exc:
        raise DownloadError(str(exc)) from exc
    finally:
        if own_client:
            client.close()


def download_once(
    client: Client,
    package: str,
    dest: Path | None,
    source: Source,
    formats: tuple[str, ...],
    progress: Progress,
) -> DownloadResult:
    dataset = find_dataset(client, package, source.organization)
    resources = by_marker(dataset)
    name = package_of(dataset) or package
    dest = Path(dest) if dest is not None else Path(name)
    if DESCRIPTOR_MARKER not in resources:
        raise DownloadError(
            f"dataset {dataset['id']} has no datapackage.json resource "
            f"({RESOURCE_MARKER}={DESCRIPTOR_MARKER}): is it a ddet-data package?"
        )
    stage = staging_folder(dest)
    stage.mkdir(parents=True, exist_ok=True)
    try:
        descriptor, published, outcome = read_descriptor(
            client, resources[DESCRIPTOR_MARKER], dest, stage, progress
        )
        files, written = plan_files(client, descriptor, resources, formats)
        result = DownloadResult(
            folder=dest,
            package=descriptor.get("name", name),
            dataset_id=dataset["id"],
            version=str(descriptor.get("version", "")),
        )
        getattr(result, outcome).append("datapackage.json")
        for want in files:
            outcome = fetch(client, want, dest, stage, progress)
            getattr(result, outcome).append(want.relative)
    except DownloadError:
        # Wrong or mixed files: nothing is kept. (A broken transfer, an ApiError, keeps
        # its parts in the staging folder: the next run resumes them.)
        shutil.rmtree(stage, ignore_errors=True)
        raise
    if written == descriptor:
        # The published bytes themselves, already checked against the server's sha1.
        text = published.read_bytes()
    else:
        text = (json.dumps(written, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    move_into_place(stage, dest, text)
    return result


def move_into_place(stage: Path, dest: Path, descriptor: bytes) -> None:
    """Move the checked files of `stage` into `dest`, datapackage.json last."""
    published = stage / "datapackage.json.published"
    published.unlink(missing_ok=True)
    (stage / "datapackage.json").write_bytes(descriptor)
    if not dest.exists():
        stage.rename(dest)
        return
    local = dest / "datapackage.json"
    staged = [p for p in sorted(stage.rglob("*")) if p.is_file() and p.name != "datapackage.json"]
    if staged or not local.is_file() or local.read_bytes() != descriptor:
        # Until the new descriptor is in place, the folder says it is incomplete.
        local.unlink(missing_ok=True)
        for path in staged:
            target = dest / path.relative_to(stage)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
        os.replace(stage / "datapackage.json", local)
    shutil.rmtree(stage)


def repository_root() -> Path | None:
    """The folder whose publish.toml applies: the current one, else this checkout's."""
    for folder in (Path.cwd(), Path(__file__).resolve().parents[2]):
        if (folder / CONFIG_FILE).is_file():
            return folder
    return None
