"""A version is a release: each build's version and changelog follow from the last release.

The base a build compares with is the package as last published, read without network:

1. `releases/<package>/`, a committed copy of the published package (descriptor,
   schemas, CSV tables, CHANGELOG.md) that `ddet-data publish` refreshes after each
   publish to data.gouv.fr (`record_release`);
2. before any publish, the package as committed at HEAD (`git show`);
3. outside a git checkout, the package in `datapackages/` as it is.

From that base the version moves by one semver step at most (major, minor or patch, as
`changelog.next_version` decides), and CHANGELOG.md is the base's with one entry for
that version. However many builds happen in between, the same sources give the same
version, the same entry and the same bytes; sources edited back to the release give the
release again.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import ChangelogError
from ..text.jsonio import dump_json, read_json
from .changelog import (
    PackageChanges,
    compare_packages,
    next_version,
    render_entry,
    update_changelog,
)
from .reader import DESCRIPTOR, PackageFolder

CHANGELOG = "CHANGELOG.md"


@dataclass(frozen=True)
class Release:
    package: str
    base: str  # where the base came from: releases/, git HEAD, datapackages/, or none
    base_version: str | None
    version: str
    changes: PackageChanges  # since the base


def base_folder(root: Path, package: str, scratch: Path) -> tuple[Path | None, str]:
    """The folder holding the package's last release, and where it came from."""
    released = root / "releases" / package
    if (released / DESCRIPTOR).is_file():
        return released, f"releases/{package}"
    committed = scratch / package
    if checkout_files(root, Path("datapackages") / package, committed):
        return committed, "git HEAD"
    built = root / "datapackages" / package
    if (built / DESCRIPTOR).is_file():
        return built, f"datapackages/{package}"
    return None, "none"


def checkout_files(root: Path, folder: Path, target: Path) -> bool:
    """Copy `folder` as committed at HEAD (no Parquet: the comparison reads the CSVs) into
    `target`; False when `root` is no git checkout or HEAD has no such package."""
    try:
        top = git(root, "rev-parse", "--show-toplevel").strip()
        prefix = (root.resolve().relative_to(Path(top).resolve()) / folder).as_posix()
        names = git(root, "ls-tree", "-r", "--name-only", "HEAD", "--", prefix).splitlines()
    except (OSError, ValueError, subprocess.CalledProcessError):
        return False
    names = [n for n in names if not n.endswith(".parquet")]
    if f"{prefix}/{DESCRIPTOR}" not in names:
        return False
    for name in names:
        destination = target / Path(name).relative_to(prefix)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(git_bytes(root, "show", f"HEAD:{name}"))
    return True


def git(root: Path, *args: str) -> str:
    return git_bytes(root, *args).decode("utf-8")


def git_bytes(root: Path, *args: str) -> bytes:
    return subprocess.run(
        ["git", "-C", str(root), *args], check=True, capture_output=True, timeout=60
    ).stdout


def finish_release(staging_dir: Path, base_dir: Path | None, base: str = "none") -> Release:
    """Set the staged package's version and write its CHANGELOG.md from the base."""
    changes = compare_packages(base_dir, staging_dir)
    base_version = PackageFolder(base_dir, ChangelogError).version if base_dir else None
    version = next_version(base_version, changes)
    descriptor = read_json(staging_dir / DESCRIPTOR, ChangelogError)
    if descriptor.get("version") != version:
        descriptor["version"] = version
        (staging_dir / DESCRIPTOR).write_text(dump_json(descriptor), encoding="utf-8")
    old_log = base_dir / CHANGELOG if base_dir else None
    old_text = old_log.read_text(encoding="utf-8") if old_log and old_log.is_file() else None
    if old_text is None:
        text = update_changelog(None, render_entry(version, compare_packages(None, staging_dir)))
    elif changes.has_changes:
        text = update_changelog(old_text, render_entry(version, changes))
    else:
        text = old_text
    (staging_dir / CHANGELOG).write_text(text, encoding="utf-8")
    return Release(changes.package, base, base_version, version, changes)


def record_release(root: Path, package_dir: Path) -> Path:
    """Keep a copy of a published package in releases/<name>/, the next builds' base
    (descriptor, schemas, CSV tables and changelog; Parquet twins are not needed)."""
    package = PackageFolder(package_dir, ChangelogError)
    target = root / "releases" / package.name
    staging = target.with_name(f".{package.name}-new")
    shutil.rmtree(staging, ignore_errors=True)
    for path in sorted(package.path.rglob("*")):
        relative = path.relative_to(package.path)
        if path.is_file() and path.suffix != ".parquet" and relative.name != "README.md":
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, staging / relative)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target
