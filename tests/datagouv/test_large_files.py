"""A table over 60 MB goes to the real udata in 20 MB parts, whole and identical, faults or not.

The packages are generated once for the module, in a temporary folder (never committed):
a first version, and a second one of the same size whose every title differs, so that
publishing both sends a new file in parts, then replaces it in parts.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import urllib.request
from collections import Counter

import pytest

from ddet_data.datagouv import publish as publishing
from ddet_data.datagouv.client import Client
from ddet_data.datagouv.upload import CHUNK_SIZE

from .conftest import api_get, target_for
from .faultproxy import FaultProxy
from .packages import big_rows, make_package

pytestmark = pytest.mark.slow
MEGABYTES = 62


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """Two versions of a package whose issues.csv is over 60 MB."""
    root = tmp_path_factory.mktemp("big")
    folders = []
    for number, variant in enumerate(("", "bis ")):
        folder = make_package(root / f"v{number}", "big", big_rows(MEGABYTES, variant))
        assert (folder / "data" / "issues.csv").stat().st_size >= 60_000_000
        folders.append(folder)
    return folders


def copy_as(version, folder, name: str):
    """The package `version` at `folder`, named `name` (one dataset per test)."""
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(version, folder)
    descriptor = folder / "datapackage.json"
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    data["name"] = name
    descriptor.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder



def sha1_of_url(url: str) -> str:
    digest = hashlib.sha1()
    with urllib.request.urlopen(url, timeout=60) as response:
        while chunk := response.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def assert_identical(sandbox, target, folder, name):
    """One resource per file, issues.csv served byte for byte, and nothing left to do."""
    (dataset,) = [
        d
        for d in api_get(f"{sandbox.url}/datasets/?organization={sandbox.organization}")["data"]
        if d["extras"].get("ddet:package") == name
    ]
    dataset = api_get(f"{sandbox.url}/datasets/{dataset['id']}/")
    resources = {r["extras"].get("ddet:resource"): r for r in dataset["resources"]}
    assert len(resources) == len(dataset["resources"]) == 7, list(resources)
    local = folder / "data" / "issues.csv"
    sha1 = hashlib.sha1(local.read_bytes()).hexdigest()
    big = resources["issues/csv"]
    assert big["checksum"] == {"type": "sha1", "value": sha1}
    assert big["filesize"] == local.stat().st_size
    assert big["title"] == "Numéros de la newsletter (CSV)"
    assert sha1_of_url(big["latest"]) == sha1
    direct = target_for(sandbox.url, sandbox, folder.parent, "big")
    assert not publishing.plan(direct, [folder]).has_changes
    return dataset


def upload_posts(sandbox, before: int) -> list[dict]:
    writes = api_get(f"{sandbox.root_url}/_sandbox/stats")["requests"][before:]
    return [w for w in writes if w["method"] == "POST" and w["path"].endswith("/upload/")]


def test_large_table_goes_in_parts_then_is_replaced_in_parts(sandbox, versions, tmp_path):
    name = "essai-gros-fichier"
    folder = copy_as(versions[0], tmp_path / name, name)
    target = target_for(sandbox.url, sandbox, tmp_path, "big")
    size = (folder / "data" / "issues.csv").stat().st_size
    parts = -(-size // CHUNK_SIZE)
    assert parts == 4

    progress = []
    before = len(api_get(f"{sandbox.root_url}/_sandbox/stats")["requests"])
    publishing.publish(target, [folder], progress=lambda *call: progress.append(call))
    # Progress after each part: 20 MB, 40 MB, 60 MB, the whole file.
    assert [done for name_, done, _ in progress if name_ == "issues.csv"] == [
        CHUNK_SIZE, 2 * CHUNK_SIZE, 3 * CHUNK_SIZE, size
    ]  # fmt: skip
    dataset = assert_identical(sandbox, target, folder, name)
    # Four parts and one final request for issues.csv, one request for each other file.
    posts = upload_posts(sandbox, before)
    assert len(posts) == parts + 1 + 6
    assert {p["status"] for p in posts[: parts + 1]} == {200, 201}

    copy_as(versions[1], folder, name)
    before = len(api_get(f"{sandbox.root_url}/_sandbox/stats")["requests"])
    publishing.publish(target, [folder])
    replaced = assert_identical(sandbox, target, folder, name)
    rid = next(r["id"] for r in dataset["resources"] if r["title"].endswith("(CSV)"))
    assert rid in {r["id"] for r in replaced["resources"]}  # replaced in place
    posts = upload_posts(sandbox, before)
    # The CSV in parts to its resource, then the Parquet file and datapackage.json.
    assert len(posts) == parts + 1 + 2


def part_of(body: bytes) -> str | None:
    """ "part <n>", "final", or None for a request that is not a chunked upload's."""
    head = body[:2000]
    index = re.search(rb'name="partindex"\r\n\r\n(\d+)', head)
    if index:
        return f"part {int(index.group(1))}"
    if b'name="totalparts"' in head and b'name="file"' not in head:
        return "final"
    return None


def test_large_table_in_parts_under_faults(sandbox, versions, tmp_path):
    """Lost answers to a part and to the final request, a burst of 503 on a part, the
    final request refused by a gateway: one resource, the file identical, no duplicate."""
    name = "essai-gros-fichier-fautes"
    folder = copy_as(versions[0], tmp_path / name, name)
    target = target_for(sandbox.url, sandbox, tmp_path, "big")
    seen: Counter = Counter()
    faults = {
        # A new file: the server stores part 0 and assembles the file, the client never
        # hears back; part 2 meets a burst of 503 (its retries too, but the last).
        ("new", "part 0", 1): "reset_after",
        ("new", "part 2", 1): "503_burst",
        ("new", "final", 1): "reset_after",
        # A replaced file: part 3's answer lost, the final request refused unseen.
        ("replace", "part 3", 1): "reset_after",
        ("replace", "final", 1): "502",
    }

    def rule(method, path, body):
        part = part_of(body) if method == "POST" else None
        if part is None:
            return None
        kind = "replace" if "/resources/" in path else "new"
        seen[(kind, part)] += 1
        return faults.get((kind, part, seen[(kind, part)]))

    proxy = FaultProxy(sandbox.url).start()
    proxy.rule = rule
    try:
        client = Client(
            proxy.url,
            sandbox.api_key,
            timeout=(2.0, 10.0),
            upload_timeout=(2.0, 120.0),
            retries=6,
            backoff=0.05,
            max_backoff=0.4,
        )
        publishing.publish(target, [folder], client=client)
        assert_identical(sandbox, target, folder, name)
        copy_as(versions[1], folder, name)
        publishing.publish(target, [folder], client=client)
        assert_identical(sandbox, target, folder, name)
    finally:
        proxy.stop()
    assert sorted(fault for _, fault, _, _ in proxy.injected) == sorted(
        ["reset_after", "503", "503", "503", "reset_after", "reset_after", "502"]
    )
    # Part 0 sent again after its lost answer; part 2 four times (three 503 first); each
    # final request once more only where nothing had been created (the 502).
    assert seen[("new", "part 0")] == 2
    assert seen[("new", "part 2")] == 4
    assert seen[("new", "final")] == 1
    assert seen[("replace", "part 3")] == 2
    assert seen[("replace", "final")] == 2
