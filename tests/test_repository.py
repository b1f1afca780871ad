"""The repository's own sources: only what must hold for any valid content.

Behaviour is tested on fixtures (tests/fixtures/); these checks must stay green when
maintainers add issues, interviews, people, organizations or facts as the README says.
"""

import shutil
from pathlib import Path

from ddet_data.build import build
from ddet_data.package.reader import PackageFolder
from ddet_data.project import Project
from ddet_data.sources.pages.interview import parse_interview
from ddet_data.text.yamlio import load_yaml, yaml_files

ROOT = Path(__file__).parent.parent


def check_invariants(root: Path) -> None:
    """Every interview parses with a question; row counts match the sources; keys unique."""
    sources = root / "sources"
    folders = [p for p in (sources / "interviews").iterdir() if p.is_dir()]
    for folder in folders:
        page = next(folder.glob("page.*"))
        assert parse_interview(page).pairs, folder
    counts = {}
    for name in ("ddet-newsletter", "opsn"):
        package = PackageFolder(root / "datapackages" / name)
        for table, files in package.tables().items():
            rows = list(package.rows(files.csv))
            counts[table] = len(rows)
            key = files.schema.get("primaryKey") or []
            key = [key] if isinstance(key, str) else key
            keys = [tuple(row[k] for k in key) for row in rows]
            assert len(keys) == len(set(keys)), f"{name}/{table}: duplicate keys"
    issues = yaml_files(sources / "issues") if (sources / "issues").is_dir() else []
    assert counts["issues"] == len(issues)
    assert counts["interviews"] == len(folders)
    assert counts["people"] == len(load_yaml(sources / "people.yaml") or [])
    organizations = load_yaml(sources / "opsn" / "organizations.yaml") or []
    assert counts["organizations"] == len(organizations)
    assert counts["facts"] == len(load_yaml(sources / "opsn" / "facts.yaml")["facts"])


def test_the_repository_sources_keep_the_invariants(tmp_path):
    for name in ("sources", "schemas", "releases"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, tmp_path / name)
    build(Project(tmp_path))
    check_invariants(tmp_path)
