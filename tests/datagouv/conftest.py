"""One real udata server on loopback per test session (installed on first use)."""

from __future__ import annotations

import json
import shutil
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from ddet_data.cli.main import cli
from ddet_data.datagouv.config import Target
from ddet_data.datagouv.sandbox.process import Sandbox, write_requests

from .packages import make_package

ROOT = Path(__file__).resolve().parents[2]


def api_get(url: str, key: str | None = None):
    request = urllib.request.Request(url, headers={"X-API-KEY": key} if key else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@dataclass
class Project:
    """A project folder with publish.toml and one small package, published to the sandbox."""

    root: Path
    package: Path
    name: str
    sandbox: Sandbox = field(repr=False)
    env: dict = field(repr=False)

    def run(self, *args: str, key: str | None = None, url: str | None = None):
        env = dict(self.env)
        if key is not None:
            env["DATAGOUV_API_KEY"] = key
        if url is not None:
            env["DATAGOUV_API_URL"] = url
        result = CliRunner().invoke(cli, ["--root", str(self.root), *args], env=env)
        return result

    def writes(self) -> list[dict]:
        return write_requests(self.sandbox)

    def datasets(self) -> list[dict]:
        """Every dataset of the organization that carries this package's marker."""
        found, url = [], f"{self.sandbox.url}/datasets/?organization={self.sandbox.organization}"
        while url:
            page = api_get(url)
            found += [d for d in page["data"] if d["extras"].get("ddet:package") == self.name]
            url = page["next_page"]
        return found

    def dataset(self) -> dict:
        (only,) = self.datasets()
        return api_get(f"{self.sandbox.url}/datasets/{only['id']}/")


@pytest.fixture
def project(sandbox, tmp_path, request) -> Project:
    name = "essai-" + request.node.name.lower().replace("_", "-")[:40].strip("-")
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(ROOT / "publish.toml", root / "publish.toml")
    package = make_package(root / "datapackages" / name, name)
    env = {
        "DATAGOUV_API_URL": sandbox.url,
        "DATAGOUV_ORGANIZATION": sandbox.organization,
        "DATAGOUV_API_KEY": sandbox.api_key,
    }
    return Project(root, package, name, sandbox, env)


def target_for(url: str, sandbox, folder: Path, name: str) -> Target:
    """A publishing target at `url` (the sandbox, or a proxy in front of it) with the
    sandbox's organization and key, and its id cache in `folder`."""
    return Target(
        name=name,
        api_url=url,
        organization=sandbox.organization,
        api_key=sandbox.api_key,
        id_cache=folder / "ids.json",
    )
