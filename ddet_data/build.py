"""Build: sources/ -> tables -> packages in datapackages/, all or nothing.

The build writes into a temporary folder beside datapackages/, validates what it wrote,
and only then swaps it in, so a failed build leaves the previous packages untouched.
"""

from __future__ import annotations

import filecmp
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError
from .package.dictionary import write_docs
from .package.schemas import load_schemas
from .package.writer import write_package
from .project import Project, load_specs
from .sources.interviews import load_interviews, load_people, people_rows
from .sources.issues import load_issues
from .sources.opsn import load_opsn
from .sources.themes import detect_themes, load_themes, theme_rows
from .text.jsonio import read_json
from .validate import Target, resolve_schemas, validate_targets
from .validate.report import error_rows


@dataclass(frozen=True)
class BuildResult:
    packages: dict[str, dict[str, int]]  # package -> table -> row count


def collect_tables(project: Project) -> dict[str, list[dict]]:
    """Every table's rows, read from sources/ (raises SourceError at the first bad input)."""
    sources = project.sources
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
    targets = []
    for spec in specs.values():
        schemas = load_schemas(project.schemas, spec.tables)
        unknown = set(spec.tables) - set(tables)
        if unknown:
            raise BuildError(f"package {spec.name}: no source produces table(s) {sorted(unknown)}")
        package_dir = folder / spec.name
        write_package(package_dir, spec, tables, schemas)
        # Version, CHANGELOG.md and README.md follow from comparing with the committed package.
        write_docs(package_dir, project.datapackages / spec.name)
        descriptor = read_json(package_dir / "datapackage.json")
        counts[spec.name] = {table: len(tables[table]) for table in spec.tables}
        targets.append(Target(resolve_schemas(descriptor, package_dir), package_dir))
    report = validate_targets(targets, engine="frictionless", sources_root=project.sources)
    if not report["valid"]:
        first = error_rows(report)[:5]
        lines = "; ".join(
            f"{table} row {row} field {field}: {message}" for table, row, field, _, message in first
        )
        raise BuildError(f"the built data is invalid ({report['stats']['errors']} errors): {lines}")
    return BuildResult(counts)


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
