"""Every quality criterion of data.gouv.fr, read back from the real udata, on both packages.

The project is copied with a dated newsletter issue added (the committed sources have
none yet), built, and published into an organization of its own, so that the other
publishing tests' datasets are not touched.
"""

from __future__ import annotations

import json
import shutil
import urllib.request

from click.testing import CliRunner

from ddet_data.build import build
from ddet_data.cli.main import cli
from ddet_data.package.coverage import temporal_coverage
from ddet_data.package.reader import PackageFolder
from ddet_data.project import Project

from .conftest import ROOT, api_get

CRITERIA = (
    "license",
    "temporal_coverage",
    "spatial",
    "update_frequency",
    "update_fulfilled_in_time",
    "dataset_description_quality",
    "has_resources",
    "has_open_format",
    "all_resources_available",
    "resources_documentation",
)


def new_organization(sandbox, name: str) -> str:
    request = urllib.request.Request(
        f"{sandbox.url}/organizations/",
        data=json.dumps(
            {"name": name, "description": "Organisation des tests de qualité."}
        ).encode(),
        headers={"X-API-KEY": sandbox.api_key, "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["id"]


def test_both_datasets_meet_every_quality_criterion(sandbox, tmp_path):
    root = tmp_path / "project"
    for name in ("sources", "schemas"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "publish.toml", root / "publish.toml")
    (root / "sources" / "issues").mkdir(exist_ok=True)
    shutil.copy(ROOT / "tests/fixtures/issues/12.yaml", root / "sources/issues/12.yaml")
    build(Project(root))
    organization = new_organization(sandbox, "Qualité DDET")
    env = {
        "DATAGOUV_API_URL": sandbox.url,
        "DATAGOUV_ORGANIZATION": organization,
        "DATAGOUV_API_KEY": sandbox.api_key,
    }
    result = CliRunner().invoke(cli, ["--root", str(root), "publish", "--yes"], env=env)
    assert result.exit_code == 0, result.output

    datasets = api_get(f"{sandbox.url}/datasets/?organization={organization}")["data"]
    by_package = {d["extras"]["ddet:package"]: d for d in datasets}
    assert sorted(by_package) == ["ddet-newsletter", "opsn"]
    for name, listed in by_package.items():
        dataset = api_get(f"{sandbox.url}/datasets/{listed['id']}/")
        quality = dataset["quality"]
        assert {k: quality.get(k) for k in CRITERIA} == dict.fromkeys(CRITERIA, True), name
        assert quality["score"] == 1.0, name
        assert not dataset["description"].startswith("#")
        assert 0 < len(dataset["description_short"]) <= 200
        assert dataset["license"] == "lov2"
        assert dataset["spatial"]["zones"] == ["country:fr"]
        folder = PackageFolder(root / "datapackages" / name)
        titles = {r["title"] for r in dataset["resources"] if r["type"] == "documentation"}
        assert "Schéma des tables et de leurs clés (image)" in titles
        # The span the tables hold, as published.
        fields = ("facts.as_of",) if name == "opsn" else ()
        assert dataset["temporal_coverage"] == temporal_coverage(folder, fields)

    # The day; the facts from the year 2010 (a year) to 2025 (the end of a range).
    assert by_package["ddet-newsletter"]["temporal_coverage"] == {
        "start": "2024-03-18",
        "end": "2024-03-18",
    }
    assert by_package["opsn"]["temporal_coverage"] == {"start": "2010-01-01", "end": "2025-12-31"}
    assert by_package["ddet-newsletter"]["spatial"]["granularity"] == "fr:commune"
    assert by_package["opsn"]["spatial"]["granularity"] == "fr:departement"
