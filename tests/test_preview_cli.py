"""`ddet-data preview`: pages written, served on loopback, errors on one line."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from datagouv.packages import make_package

from ddet_data.cli.main import cli
from ddet_data.datagouv.config import DatasetSettings
from ddet_data.datagouv.local import read_package
from ddet_data.datagouv.preview.view import local_view
from ddet_data.errors import PublishError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(ROOT / "publish.toml", root / "publish.toml")
    make_package(root / "datapackages" / "essai", "essai")
    make_package(root / "datapackages" / "autre", "autre", title="Autre paquet")
    return root


def test_one_page_per_package_and_an_index(project):
    result = CliRunner().invoke(cli, ["--root", str(project), "preview"])
    assert result.exit_code == 0, result.output
    out = project / "preview"
    assert result.output.splitlines() == [
        f"{out / 'autre' / 'index.html'}: 7 files, quality 100%",
        f"{out / 'essai' / 'index.html'}: 7 files, quality 100%",
    ]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="autre/index.html">Autre paquet</a>' in index


def test_named_packages_only(project, tmp_path):
    out = tmp_path / "ailleurs"
    result = CliRunner().invoke(
        cli, ["--root", str(project), "preview", "essai", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir() if p.is_dir()] == ["essai"]


def test_an_unknown_package_is_one_line_and_exit_1(project):
    result = CliRunner().invoke(cli, ["--root", str(project), "preview", "nope"])
    assert result.exit_code == 1
    assert result.output == (
        f"error: {project / 'datapackages'}: no package 'nope' (known: autre, essai)\n"
    )


def test_a_picture_the_package_does_not_have_is_an_error(project):
    package = read_package(project / "datapackages" / "essai")
    package = dataclasses.replace(package, description="![x]({{resource:docs/absent}})")
    with pytest.raises(PublishError) as caught:
        local_view(package, DatasetSettings(), now=dt.datetime.now(dt.UTC))
    assert str(caught.value) == (
        f"{package.folder}: the description names resource 'docs/absent', "
        "which the package does not have"
    )


def test_serve_answers_on_loopback_until_interrupted(project):
    process = subprocess.Popen(
        [sys.executable, "-m", "ddet_data", "--root", str(project), "preview", "--serve"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in process.stderr:
            if line.startswith("preview at "):
                break
        assert line.startswith("preview at http://127.0.0.1:") and "(Ctrl-C stops it)" in line
        url = line.split()[2]
        with urllib.request.urlopen(f"{url}essai/index.html", timeout=10) as response:
            assert response.status == 200
            assert '<h1 id="titre">Newsletter DDET (essai)</h1>' in response.read().decode()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    assert process.returncode == 0


def test_the_short_description_is_the_payloads_or_the_start_of_the_description(project):
    from ddet_data.datagouv.preview.page import render_page, short_description

    package = read_package(project / "datapackages" / "essai")
    view = local_view(package, DatasetSettings(), now=dt.datetime.now(dt.UTC))
    # Without one, data.gouv.fr strips the description's Markdown (tables go whole) and
    # keeps 199 characters and an ellipsis.
    text, own = short_description({"description": "| a |\n|---|\n| 1 |\n\n**Gras** " + "x" * 300})
    assert not own and text == "Gras " + "x" * 194 + "…"
    short = "Les numéros de la newsletter DDET, en bref."
    view.dataset["description_short"] = short
    page = render_page(view)
    assert f'<p id="description-courte" class="markdown">{short}</p>' in page
    assert f'<meta name="description" content="{short}">' in page
    assert "data.gouv.fr ne l'affiche pas sur cette page" in page
