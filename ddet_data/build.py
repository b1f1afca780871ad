"""Build: sources/ -> tables -> packages in datapackages/, all or nothing.

The build writes into a temporary folder beside datapackages/, validates what it wrote,
and only then swaps it in, so a failed build leaves the previous packages untouched.
Each package's version and changelog follow from its last release (package/releases.py).
"""

from __future__ import annotations

import filecmp
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError, SourceError
from .package.dictionary import write_readme
from .package.releases import Release, base_folder, finish_release
from .package.schemas import load_schemas
from .package.writer import write_package
from .project import Project, load_specs
from .sources.interviews import load_interviews, load_people, people_rows
from .sources.issues import load_issues
from .sources.opsn import load_opsn
from .sources.themes import detect_themes, load_themes, theme_rows
from .text.jsonio import read_json
from .text.yamlio import read_text
from .validate import Target, resolve_descriptors, validate_targets
from .validate.report import error_rows


@dataclass(frozen=True)
class BuildResult:
    packages: dict[str, dict[str, int]]  # package -> table -> row count
    releases: dict[str, Release]  # package -> its version and the changes since the base


TODO_VALUE = re.compile(r"^\s*(?:-\s+)?([\w-]+):\s+TODO\b|^\s*-\s+TODO\b")


def check_source_files(sources: Path) -> None:
    """Refuse a `.yml` file the build would not read, and a build while a draft's TODO
    values are left (listing every one of them)."""
    left = []
    for path in sorted(sources.rglob("*.y*ml")):
        if path.suffix == ".yml" and path.parent != sources / "issues":
            raise SourceError(
                f"the build reads {path.stem}.yaml here, not .yml: rename the file", path
            )
        for number, line in enumerate(read_text(path).splitlines(), start=1):
            found = TODO_VALUE.match(line)
            if found:
                left.append((path, number, found.group(1) or "item"))
    if left:
        path, line, key = left[0]
        others = ", ".join(f"{p.relative_to(sources.parent)}:{n} {k}" for p, n, k in left[1:])
        raise SourceError(
            f"{key} is still TODO: fill it in"
            + (f" (also left: {others})" if others else "")
            + " (see README, 'Sources')",
            path,
            line,
        )


def collect_tables(project: Project) -> dict[str, list[dict]]:
    """Every table's rows, read from sources/ (raises SourceError at the first bad input)."""
    sources = project.sources
    if sources.is_dir():
        check_source_files(sources)
    themes = load_themes(sources / "themes.yaml")
    opsn = load_opsn(sources / "opsn", sources)
    issues = load_issues(sources / "issues", set(themes), lambda text: detect_themes(text, themes))
    people = load_people(sources / "people.yaml")
    interviews = load_interviews(
        sources / "interviews",
        people,
        themes,
        organization_ids={row["organization_id"] for row in opsn["organizations"]},
        issue_numbers={row["issue_number"] for row in issues["issues"]},
        declared_by={
            row["organization_id"]: row["interview_id"]
            for row in opsn["organizations"]
            if row["interview_id"]
        },
    )
    return {
        **opsn,
        **issues,
        **interviews,
        "people": people_rows(people),
        "themes": theme_rows(themes),
    }


def write_packages(project: Project, folder: Path) -> BuildResult:
    """Write every package into `folder` and validate it; raise BuildError if anything is wrong."""
    specs = load_specs(project)
    tables = collect_tables(project)
    counts = {}
    releases = {}
    targets = []
    scratch = Path(tempfile.mkdtemp(prefix=".base-", dir=folder.parent))
    try:
        for spec in specs.values():
            package_dir = folder / spec.name
            write_package_of(project, spec, tables, package_dir)
            base_dir, base = base_folder(project.root, spec.name, scratch)
            releases[spec.name] = finish_release(package_dir, base_dir, base)
            write_readme(package_dir)
            descriptor = read_json(package_dir / "datapackage.json")
            counts[spec.name] = {table: len(tables[table]) for table in spec.tables}
            targets.append(Target(resolve_descriptors(descriptor, package_dir), package_dir))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    check_built(project, targets)
    return BuildResult(counts, releases)


def write_package_of(project: Project, spec, tables: dict[str, list[dict]], package_dir: Path):
    schemas = load_schemas(project.schemas, spec.tables)
    unknown = set(spec.tables) - set(tables)
    if unknown:
        raise BuildError(f"package {spec.name}: no source produces table(s) {sorted(unknown)}")
    write_package(package_dir, spec, tables, schemas)


def check_built(project: Project, targets: list) -> None:
    """The safety net behind the sources' own checks: validate what was written."""
    report = validate_targets(targets, engine="frictionless", sources_root=project.sources)
    if not report["valid"]:
        first = error_rows(report)[:5]
        lines = "; ".join(
            f"{table} row {row} field {field}: {message}" for table, row, field, _, message in first
        )
        raise BuildError(f"the built data is invalid ({report['stats']['errors']} errors): {lines}")


def build(project: Project) -> BuildResult:
    """Rebuild datapackages/ from sources/ and schemas/; untouched on any failure."""
    project.root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".datapackages-", dir=project.root))
    try:
        result = write_packages(project, staging)
        replace_folder(project.datapackages, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result


def replace_folder(target: Path, staging: Path) -> None:
    """Swap `staging` in place of `target` with renames, so no reader sees half a folder."""
    retired = target.with_name(f".{target.name}-old")
    shutil.rmtree(retired, ignore_errors=True)
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)


def stale_files(project: Project) -> list[str]:
    """Files of datapackages/ that differ from a fresh build (empty when up to date)."""
    with tempfile.TemporaryDirectory(prefix=".datapackages-check-", dir=project.root) as staging:
        write_packages(project, Path(staging))
        return compare_trees(Path(staging), project.datapackages)


def compare_trees(expected: Path, actual: Path) -> list[str]:
    def files(root: Path) -> set[str]:
        return (
            {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
            if root.is_dir()
            else set()
        )

    wanted, present = files(expected), files(actual)
    differences = [f"missing: {name}" for name in sorted(wanted - present)]
    differences += [f"unexpected: {name}" for name in sorted(present - wanted)]
    for name in sorted(wanted & present):
        if not filecmp.cmp(expected / name, actual / name, shallow=False):
            differences.append(f"changed: {name}")
    return differences
