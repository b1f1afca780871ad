"""The preview against the real udata: same quality as the server's, and the sandbox's pages."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from datagouv.packages import make_package

from ddet_data.cli.main import cli
from ddet_data.datagouv.client import Client
from ddet_data.datagouv.preview.process import preview_url, start_preview, stop_preview
from ddet_data.datagouv.preview.view import local_views, remote_view

ROOT = Path(__file__).resolve().parents[1]


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read().decode("utf-8")


def server_quality(dataset: dict) -> tuple[dict, float]:
    quality = dict(dataset["quality"])
    return quality, quality.pop("score")


@pytest.fixture(scope="module")
def published(sandbox, tmp_path_factory):
    """A project whose package was published to the sandbox with `ddet-data publish`."""
    root = tmp_path_factory.mktemp("preview-sandbox") / "project"
    root.mkdir()
    shutil.copy(ROOT / "publish.toml", root / "publish.toml")
    name = "essai-apercu"
    make_package(root / "datapackages" / name, name)
    env = {
        "DATAGOUV_API_URL": sandbox.url,
        "DATAGOUV_ORGANIZATION": sandbox.organization,
        "DATAGOUV_API_KEY": sandbox.api_key,
    }
    result = CliRunner().invoke(cli, ["--root", str(root), "publish", "--yes"], env=env)
    assert result.exit_code == 0, result.output
    with Client(sandbox.url, sandbox.api_key) as client:
        (dataset,) = [
            d
            for d in client.pages("datasets/", organization=sandbox.organization)
            if d["extras"].get("ddet:package") == name
        ]
    return root, name, dataset


def test_the_quality_computed_before_publishing_is_the_servers(published):
    root, name, dataset = published
    now = dt.datetime.now(dt.UTC)
    (local,) = local_views(root, [root / "datapackages" / name], now=now)
    flags, score = server_quality(dataset)
    assert local.quality.flags == flags
    assert local.quality.score == pytest.approx(score)
    remote = remote_view(dataset, now=now, source="sandbox")
    assert remote.quality.flags == flags
    # What the page would show matches: same title, same resources and sizes.
    assert remote.dataset["title"] == local.dataset["title"]
    sizes = {r["extras"]["ddet:resource"]: r["filesize"] for r in remote.resources}
    assert sizes == {r["extras"]["ddet:resource"]: r["filesize"] for r in local.resources}


def test_criteria_not_met_are_the_servers_too(sandbox):
    """A dataset our packages never make: short description, no frequency, coverage or
    documentation, one PDF."""
    with Client(sandbox.url, sandbox.api_key) as client:
        dataset = client.post(
            "datasets/",
            {
                "title": "Essai de qualité faible",
                "description": "x" * 100,
                "organization": sandbox.organization,
                "license": "notspecified",
            },
        )
        client.post(
            f"datasets/{dataset['id']}/resources/",
            {
                "title": "Notice",
                "url": "https://example.org/notice.pdf",
                "filetype": "remote",
                "format": "pdf",
                "type": "other",
            },
        )
        dataset = client.get(f"datasets/{dataset['id']}/")
    view = remote_view(dataset, now=dt.datetime.now(dt.UTC), source="sandbox")
    flags, score = server_quality(dataset)
    assert view.quality.flags == flags
    assert view.quality.score == pytest.approx(score)
    assert {c.key for c in view.quality.failed} == {
        "dataset_description_quality",
        "update_fulfilled_in_time",
        "temporal_coverage",
        "spatial",
        "has_open_format",
        "resources_documentation",
    }


def test_sandbox_start_serves_the_pages_of_what_the_sandbox_holds(sandbox, published, tmp_path):
    """`sandbox start` on a running sandbox starts its preview and prints the address."""
    _, name, dataset = published
    root = tmp_path / "project"
    root.mkdir()
    (root / ".sandbox").symlink_to(sandbox.state_dir)
    try:
        result = CliRunner().invoke(cli, ["--root", str(root), "sandbox", "start"])
        assert result.exit_code == 0, result.output
        lines = [line for line in result.output.splitlines() if "preview" in line]
        assert len(lines) == 1 and lines[0].startswith(
            "# preview of what it holds: http://127.0.0.1:"
        )
        url = lines[0].rsplit(" ", 1)[1]
        assert preview_url(root / ".sandbox") == url
        status, index = get(url)
        assert status == 200 and f'href="{name}/index.html"' in index
        status, page = get(f"{url}{name}/index.html")
        assert status == 200 and f'<h1 id="titre">{dataset["title"]}</h1>' in page
        assert f"ce que contient {sandbox.url}" in page
        for resource in dataset["resources"]:
            assert resource["checksum"]["value"] in page
        # Started again, the same server answers.
        assert start_preview(root, root / ".sandbox") == url
        status_line = CliRunner().invoke(cli, ["--root", str(root), "sandbox", "status"]).output
        assert f"# preview of what it holds: {url}" in status_line
    finally:
        assert stop_preview(root / ".sandbox")
    assert preview_url(root / ".sandbox") is None
    assert not (sandbox.state_dir / "preview.json").exists()


def test_static_pages_of_what_the_sandbox_holds(sandbox, published, tmp_path):
    _, name, dataset = published
    root = tmp_path / "project"
    root.mkdir()
    (root / ".sandbox").symlink_to(sandbox.state_dir)
    out = tmp_path / "pages"
    args = ["--root", str(root), "preview", "--from-sandbox", name, "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir() if p.is_dir()] == [name]
    assert dataset["title"] in (out / name / "index.html").read_text(encoding="utf-8")


def test_from_sandbox_without_a_sandbox_says_how_to_start_it(tmp_path):
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "preview", "--from-sandbox"])
    assert result.exit_code == 1
    assert result.output == (
        "error: the sandbox is not running: start it with 'ddet-data sandbox start'\n"
    )


def test_preview_json_is_written_by_the_server_itself(sandbox, tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / ".sandbox").symlink_to(sandbox.state_dir)
    try:
        url = start_preview(root, root / ".sandbox")
        state = json.loads((sandbox.state_dir / "preview.json").read_text())
        assert state["url"] == url and state["pid"] > 0
    finally:
        stop_preview(root / ".sandbox")
