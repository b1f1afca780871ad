"""The packages committed in datapackages/ publish to the sandbox and read back identical."""

from __future__ import annotations

import shutil

import pytest

from .conftest import ROOT

PACKAGES = sorted(p.parent for p in (ROOT / "datapackages").glob("*/datapackage.json"))


@pytest.mark.skipif(not PACKAGES, reason="datapackages/ is not built yet")
def test_real_packages_publish_then_no_op(project):
    shutil.rmtree(project.root / "datapackages")
    shutil.copytree(ROOT / "datapackages", project.root / "datapackages")
    first = project.run("publish", "--yes")
    assert first.exit_code == 0, first.output
    assert first.stdout.count("verified") == len(PACKAGES)
    before = len(project.writes())
    assert project.run("plan", "--detailed-exitcode").exit_code == 0
    again = project.run("publish", "--yes")
    assert again.exit_code == 0, again.output
    assert project.writes()[before:] == []
