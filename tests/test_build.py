"""The whole build on a copy of the repository: reproducible, all-or-nothing, honest errors."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from frictionless import Package

from ddet_data.build import build, stale_files
from ddet_data.cli.main import cli
from ddet_data.project import Project

ROOT = Path(__file__).parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "project"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A copy of sources/ and schemas/, built once for the read-only tests."""
    root = tmp_path_factory.mktemp("project")
    copy_inputs(root)
    build(Project(root))
    return root


@pytest.fixture
def project(tmp_path):
    copy_inputs(tmp_path)
    return Project(tmp_path)


def copy_inputs(root: Path) -> None:
    shutil.copytree(FIXTURE / "sources", root / "sources")
    shutil.copytree(ROOT / "schemas", root / "schemas")


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_committed_packages_are_up_to_date():
    assert stale_files(Project(ROOT)) == []


def test_two_builds_are_byte_identical(built, tmp_path):
    copy_inputs(tmp_path)
    build(Project(tmp_path))
    assert tree_bytes(tmp_path / "datapackages") == tree_bytes(built / "datapackages")


@pytest.mark.parametrize("name", ["ddet-newsletter", "opsn"])
def test_stock_frictionless_accepts_each_descriptor(built, name):
    descriptor = built / "datapackages" / name / "datapackage.json"
    report = Package(str(descriptor)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    stock = subprocess.run(
        [str(Path(sys.executable).parent / "frictionless"), "validate", str(descriptor)],
        capture_output=True,
        text=True,
    )
    assert stock.returncode == 0, stock.stdout[-2000:]


def test_check_finds_a_stale_package(project):
    build(project)
    assert stale_files(project) == []
    csv = project.datapackages / "opsn" / "data" / "facts.csv"
    csv.write_text(csv.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert stale_files(project) == ["changed: opsn/data/facts.csv"]


def test_failed_build_leaves_previous_packages_untouched(project):
    build(project)
    before = tree_bytes(project.datapackages)
    people = project.sources / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8") + "\n  - [unclosed\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--root", str(project.root), "build"])
    assert result.exit_code == 3
    assert tree_bytes(project.datapackages) == before
    assert not [p for p in project.root.iterdir() if p.name.startswith(".datapackages")]


def run(project, *args):
    return CliRunner().invoke(cli, ["--root", str(project.root), *args])


def test_empty_sources_is_an_error(tmp_path):
    (tmp_path / "sources").mkdir()
    result = run(Project(tmp_path), "build")
    assert result.exit_code == 3
    assert "sources/ is empty" in result.output
    assert not (tmp_path / "datapackages").exists()


def test_unknown_organization_in_an_interview_names_file_and_line(project):
    interview = project.sources / "interviews" / "emmanuel-vive-declic" / "interview.yaml"
    text = interview.read_text(encoding="utf-8")
    assert "adico" in text
    interview.write_text(text.replace("adico", "adicoo", 1), encoding="utf-8")
    line = next(n for n, content in enumerate(text.splitlines(), 1) if "adico" in content)
    result = run(project, "build")
    assert result.exit_code == 3
    assert f"{interview}:{line}: " in result.output
    assert "did you mean 'adico'?" in result.output
    assert result.output.count("\n") == 1  # one line, no traceback
    assert not project.datapackages.exists()
