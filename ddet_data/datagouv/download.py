"""The researchers' side of data.gouv.fr: download a published package, checked file by file.

The dataset is found by its `ddet:package` marker among the organization's datasets, or
by its id. Every file is fetched through the resource's stable URL
(`/api/1/datasets/r/{rid}`), anonymously, into `<file>.part` (resumed with a Range
request after an interruption), then checked: sha1 against the server's checksum, and
size and sha256 against the published `datapackage.json`. Only a file that passes is
moved into place; a bad one is deleted. `datapackage.json` is written last, so a folder
that has one is complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from ..errors import ApiError, ConfigError, DownloadError, NotFound
from .client import Client, is_loopback
from .config import CONFIG_FILE, read_config, sandbox_values
from .plan import PACKAGE_MARKER, RESOURCE_MARKER, checksum_of

PROD_API_URL = "https://www.data.gouv.fr/api/1"
DESCRIPTOR_MARKER = "datapackage/json"
# Documentation resources published beside the data, by marker.
DOC_FILES = {"docs/readme": "README.md", "docs/changelog": "CHANGELOG.md"}
FORMATS = ("csv", "parquet")
CHUNK = 1 << 16
MAX_REDIRECTS = 5
ATTEMPTS = 4  # tries per file; each one resumes where the previous stopped
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
            if (d.get("extras") or {}).get(PACKAGE_MARKER) == wanted
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


def by_marker(dataset: dict) -> dict[str, dict]:
    resources = {}
    for resource in dataset.get("resources", []):
        marker = (resource.get("extras") or {}).get(RESOURCE_MARKER)
        if marker:
            resources[marker] = resource
    return resources


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
            raise DownloadError(
                f"the dataset has no resource {marker!r} for {relative}, which its "
                "datapackage.json lists: it is incompletely published"
            )
        wanted.append(
            Wanted(
                relative=safe_relative(relative),
                resource_id=resource["id"],
                url=stable_url(client, resource),
                sha1=checksum_of(resource),
                sha256=sha256,
                size=size if size is not None else None,
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
        add(f"{table}/{fmt}", resource["path"], sha256, resource.get("bytes"))
        schema = resource.get("schema")
        if isinstance(schema, str) and schema not in schemas_done:
            schemas_done.add(schema)
            add(f"{table}/schema", schema)
    if not kept_resources:
        raise DownloadError(f"the package has no {' or '.join(formats)} file")
    # A Parquet-only download keeps the schemas: they document the tables.
    for resource in descriptor.get("resources", []):
        table = resource.get("table", resource.get("name"))
        schema = resource.get("schema")
        if (
            isinstance(schema, str)
            and schema not in schemas_done
            and f"{table}/schema" in resources
        ):
            schemas_done.add(schema)
            add(f"{table}/schema", schema)
    for marker, relative in DOC_FILES.items():
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


def file_sha1(path: Path) -> str:
    digest = hashlib.sha1()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def check_file(path: Path, want: Wanted) -> str | None:
    """What is wrong with `path` as `want`, or None if it matches every known fact."""
    data_sha1, data_sha256, size = hashlib.sha1(), hashlib.sha256(), 0
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            data_sha1.update(chunk)
            data_sha256.update(chunk)
            size += len(chunk)
    if want.sha1 and data_sha1.hexdigest() != want.sha1:
        return f"sha1 {data_sha1.hexdigest()} ≠ the server's checksum {want.sha1}"
    if want.size is not None and size != want.size:
        return f"{size} bytes ≠ {want.size} in the published datapackage.json"
    if want.sha256 and data_sha256.hexdigest() != want.sha256:
        return f"sha256 {data_sha256.hexdigest()} ≠ the published datapackage.json's {want.sha256}"
    return None


def open_stream(client: Client, url: str, offset: int):
    """GET `url` from `offset`, following redirects by hand (to any https host: no key is
    ever sent here, so leaving the API's origin is safe)."""
    headers = {"Accept": "*/*", "Accept-Encoding": "identity"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if not (
            parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname))
        ):
            raise DownloadError(f"GET {url}: refusing a non-https file URL")
        response = client.session.get(
            url, headers=headers, stream=True, allow_redirects=False, timeout=client.timeout
        )
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            response.close()
            continue
        return response
    raise DownloadError(f"GET {url}: too many redirects")


def fetch(client: Client, want: Wanted, dest: Path, progress: Progress) -> str:
    """Bring one file into place; returns 'kept', 'downloaded' or 'resumed'."""
    final = dest / want.relative
    if final.is_file() and check_file(final, want) is None:
        return "kept"
    part = final.with_name(final.name + ".part")
    final.parent.mkdir(parents=True, exist_ok=True)
    resumed = part.is_file() and part.stat().st_size > 0
    failure: Exception | None = None
    for _ in range(ATTEMPTS):
        try:
            if fetch_once(client, want, part, progress):
                failure = None
                break
            resumed = True  # the connection ended early: the next attempt resumes
        except OSError as exc:  # requests' errors are OSErrors
            failure = exc
            resumed = True
    else:
        if failure is None:
            failure = OSError("the connection kept closing before the end of the file")
    if failure is not None:
        raise DownloadError(
            f"GET {want.url} ({want.relative}): {failure}; run the download again to resume"
        ) from failure
    problem = check_file(part, want)
    if problem:
        part.unlink(missing_ok=True)
        raise DownloadError(
            f"{want.relative}: checksum mismatch, file deleted: {problem} "
            f"(resource {want.resource_id}, {want.url})"
        )
    part.replace(final)
    return "resumed" if resumed else "downloaded"


def fetch_once(client: Client, want: Wanted, part: Path, progress: Progress) -> bool:
    """One GET into `part` (resumed from its size); True if the whole file arrived."""
    offset = part.stat().st_size if part.is_file() else 0
    if want.size is not None and offset > want.size:
        part.unlink()
        offset = 0
    response = open_stream(client, want.url, offset)
    with response:
        if response.status_code == 416:
            # Nothing left after `offset`: the part is whole (checked by the caller).
            return True
        if response.status_code == 404:
            raise DownloadError(f"GET {want.url} ({want.relative}): no such resource (404)")
        if response.status_code not in (200, 206):
            raise OSError(f"answered {response.status_code}")
        if response.status_code == 200:
            offset = 0  # the server ignored the Range: start over
        length = response.headers.get("Content-Length")
        total = want.size or ((offset + int(length)) if length and length.isdigit() else None)
        done = offset
        with open(part, "ab" if offset else "wb") as out:
            for chunk in response.iter_content(CHUNK):
                out.write(chunk)
                done += len(chunk)
                progress(want.relative, done, total)
        return total is None or done >= total


# -- the whole package -----------------------------------------------------------------


def read_descriptor(
    client: Client, resource: dict, dest: Path, progress: Progress
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
        outcome = fetch(client, want, dest, progress)
        path = dest / want.relative
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
    """Download package (or dataset id) `package` into `dest` (default: ./<package>)."""
    source = source or resolve_source(repository_root())
    unknown = set(formats) - set(FORMATS)
    if unknown or not formats:
        raise DownloadError(f"unknown format(s) {sorted(unknown)}: choose among {FORMATS}")
    own_client = client is None
    client = client or Client(source.api_url)  # anonymous: no key, ever
    try:
        dataset = find_dataset(client, package, source.organization)
        resources = by_marker(dataset)
        name = (dataset.get("extras") or {}).get(PACKAGE_MARKER) or package
        dest = Path(dest) if dest is not None else Path(name)
        dest.mkdir(parents=True, exist_ok=True)
        if DESCRIPTOR_MARKER not in resources:
            raise DownloadError(
                f"dataset {dataset['id']} has no datapackage.json resource "
                f"({RESOURCE_MARKER}={DESCRIPTOR_MARKER}): is it a ddet-data package?"
            )
        descriptor, published, outcome = read_descriptor(
            client, resources[DESCRIPTOR_MARKER], dest, progress
        )
        files, written = plan_files(client, descriptor, resources, tuple(formats))
        result = DownloadResult(
            folder=dest,
            package=descriptor.get("name", name),
            dataset_id=dataset["id"],
            version=str(descriptor.get("version", "")),
        )
        getattr(result, outcome).append("datapackage.json")
        for want in files:
            outcome = fetch(client, want, dest, progress)
            getattr(result, outcome).append(want.relative)
    except ApiError as exc:
        raise DownloadError(str(exc)) from exc
    finally:
        if own_client:
            client.close()
    local = dest / "datapackage.json"
    if written == descriptor:
        # The published bytes themselves, already checked against the server's sha1.
        if published != local:
            published.replace(local)
    else:
        text = json.dumps(written, ensure_ascii=False, indent=2) + "\n"
        local.write_text(text, encoding="utf-8")
        if published != local:
            published.unlink(missing_ok=True)
    return result


def repository_root() -> Path | None:
    """The folder whose publish.toml applies: the current one, else this checkout's."""
    for folder in (Path.cwd(), Path(__file__).resolve().parents[2]):
        if (folder / CONFIG_FILE).is_file():
            return folder
    return None
