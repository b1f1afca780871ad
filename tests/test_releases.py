"""A version is a release: the base is releases/<pkg>, else git HEAD, else datapackages/."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from researchkit import issue, make, rows

from ddet_data.package.reader import PackageFolder
from ddet_data.package.releases import base_folder, finish_release, record_release

NAME = "ddet-newsletter"


def grown(folder, count=4):
    tables = rows()
    for number in range(4, count + 1):
        tables["issues"].append(issue(number, f"Numéro {number}"))
    return make(folder, tables=tables)


def released(root):
    """A project whose package 1.0.0 was published and recorded."""
    first = make(root / "build" / NAME)
    finish_release(first, None)
    record_release(root, first)
    return root


def test_rebuilding_again_and_again_keeps_one_step_and_one_entry(tmp_path):
    root = released(tmp_path)
    base, where = base_folder(root, NAME, tmp_path / "scratch")
    assert where == f"releases/{NAME}"
    outputs = []
    for attempt in range(3):
        staged = grown(tmp_path / f"attempt{attempt}" / NAME)
        release = finish_release(staged, base, where)
        assert (release.base_version, release.version) == ("1.0.0", "1.1.0")
        log = (staged / "CHANGELOG.md").read_text(encoding="utf-8")
        assert [line for line in log.splitlines() if line.startswith("## ")] == [
            "## 1.1.0",
            "## 1.0.0",
        ]
        outputs.append({p.name: p.read_bytes() for p in staged.rglob("*") if p.is_file()})
    assert outputs[0] == outputs[1] == outputs[2]


def test_a_bigger_change_replaces_the_step_not_adds_one(tmp_path):
    root = released(tmp_path)
    base, where = base_folder(root, NAME, tmp_path / "scratch")
    tables = rows()
    tables["issues"] = tables["issues"][:-1]  # a removal alone: patch
    patch = finish_release(make(tmp_path / "a" / NAME, tables=tables), base, where)
    assert patch.version == "1.0.1"
    tables["issues"].append(issue(9, "Neuf"))  # and an addition: minor, from 1.0.0
    minor = finish_release(make(tmp_path / "b" / NAME, tables=tables), base, where)
    assert minor.version == "1.1.0"
    log = (tmp_path / "b" / NAME / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## 1.0.1" not in log


def test_sources_edited_back_give_the_release_again(tmp_path):
    root = released(tmp_path)
    base, where = base_folder(root, NAME, tmp_path / "scratch")
    again = finish_release(make(tmp_path / "again" / NAME), base, where)
    assert again.version == "1.0.0" and not again.changes.has_changes
    assert (tmp_path / "again" / NAME / "CHANGELOG.md").read_bytes() == (
        root / "releases" / NAME / "CHANGELOG.md"
    ).read_bytes()


def test_record_release_keeps_what_the_comparison_reads(tmp_path):
    root = released(tmp_path)
    kept = PackageFolder(root / "releases" / NAME)
    assert kept.version == "1.0.0"
    assert not list(kept.path.rglob("*.parquet"))
    assert set(kept.tables()) == set(rows())


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_before_any_publish_the_base_is_the_package_committed_at_head(tmp_path):
    root = tmp_path / "repo"
    package = make(root / "datapackages" / NAME)
    finish_release(package, None)

    def git(*args):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "1.0.0")
    # The working copy moves on (a build wrote 1.1.0), HEAD does not.
    shutil.rmtree(package)
    finish_release(grown(package), None)
    base, where = base_folder(root, NAME, tmp_path / "scratch")
    assert where == "git HEAD" and PackageFolder(base).version == "1.0.0"
    release = finish_release(grown(tmp_path / "next" / NAME, 5), base, where)
    assert release.version == "1.1.0"


def test_outside_git_the_base_is_datapackages(tmp_path):
    package = make(tmp_path / "datapackages" / NAME)
    finish_release(package, None)
    base, where = base_folder(tmp_path, NAME, tmp_path / "scratch")
    assert (base, where) == (package, f"datapackages/{NAME}")
    assert base_folder(tmp_path, "other", tmp_path / "scratch") == (None, "none")
