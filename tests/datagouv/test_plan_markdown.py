"""`plan --format markdown` against the real udata server: a summary for a pull request."""

from __future__ import annotations

import json
import shutil

from ddet_data.cli.plan_markdown import local_packages, render_markdown
from ddet_data.package.dictionary import write_docs

from .packages import ROWS, make_package

COLUMNS = ["created", "replaced", "updated", "deleted", "unchanged"]


def counts(markdown: str) -> dict[str, int]:
    """The counts row of the (only) package's table."""
    lines = markdown.splitlines()
    header = lines.index("| " + " | ".join(COLUMNS) + " |")
    cells = [cell.strip() for cell in lines[header + 2].strip("|").split("|")]
    return dict(zip(COLUMNS, map(int, cells), strict=True))


def release(project, rows: dict, tmp_path) -> None:
    """Write the package anew from `rows`, versioned and logged against the current one
    (as the build does), in place of the project's package."""
    staging = make_package(tmp_path / "staging", project.name, rows)
    write_docs(staging, project.package)
    shutil.rmtree(project.package)
    shutil.move(staging, project.package)


def markdown_plan(project, *args: str) -> str:
    result = project.run("plan", "--format", "markdown", *args)
    assert result.exit_code in (0, 2), result.output
    assert project.sandbox.api_key not in result.output
    return result.stdout


def test_first_plan_creates_the_dataset_with_its_version_and_changelog(project, tmp_path):
    write_docs(project.package, None)
    markdown = markdown_plan(project)
    as_json = json.loads(project.run("plan", "--format", "json").stdout)
    assert as_json == json.loads(project.run("plan", "--json").stdout)

    uploads = [a for a in as_json["packages"][0]["actions"] if a["action"] == "upload"]
    assert len(uploads) >= 7  # datapackage.json, 2 schemas, 2 CSV, 2 Parquet, docs
    # The one update of a new dataset: its description's links to the pictures, sent
    # once they are uploaded.
    updates = [a for a in as_json["packages"][0]["actions"] if a["action"].startswith("update")]
    assert [a["detail"] for a in updates] == ["description: links to the resources uploaded above"]
    assert counts(markdown) == {
        "created": 1 + len(uploads), "replaced": 0, "updated": len(updates), "deleted": 0,
        "unchanged": 0,
    }  # fmt: skip
    assert f"#### `{project.name}`: new dataset" in markdown
    assert "Version: none → **1.0.0**" in markdown
    assert "<details><summary>Changelog 1.0.0</summary>" in markdown
    assert "Première version du paquet." in markdown
    assert "+ upload issues/csv: issues.csv" in markdown
    assert f"Target `{project.sandbox.url}`" in markdown
    # The command prints what the module renders from the plan's JSON and the package.
    assert render_markdown(as_json, local_packages([project.package])) == markdown


def test_a_change_shows_replaced_files_the_version_bump_and_its_entry(project, tmp_path):
    write_docs(project.package, None)
    assert project.run("publish", "--yes").exit_code == 0
    unchanged = markdown_plan(project)
    assert "### ddet-data plan: no change" in unchanged
    assert "Nothing to do: the server is up to date." in unchanged
    assert "Version: 1.0.0 (unchanged)" in unchanged
    assert "Changelog" not in unchanged

    rows = {**ROWS, "issues": [*ROWS["issues"], {
        "issue_number": 3, "published_on": "2024-01-22", "title": "Troisième numéro"
    }]}  # fmt: skip
    release(project, rows, tmp_path)
    markdown = markdown_plan(project, "--detailed-exitcode")
    found = counts(markdown)
    # issues.csv, issues.parquet, datapackage.json, README and CHANGELOG changed.
    assert found["replaced"] >= 3 and found["created"] == 0 and found["deleted"] == 0
    assert found["updated"] >= 1  # the dataset: its version marker and description
    url = json.loads(project.run("plan", "--json").stdout)["packages"][0]["dataset_url"]
    assert url.startswith(project.sandbox.url) and f"`: [dataset]({url})" in markdown
    assert "Version: 1.0.0 → **1.1.0**" in markdown
    assert "<details><summary>Changelog 1.1.0</summary>" in markdown
    entry = markdown.split("<details><summary>Changelog 1.1.0</summary>")[1]
    assert "issues" in entry and "1.0.0" not in entry.split("</details>")[0]
    assert "~ replace file issues/csv" in markdown


def test_a_removed_table_is_deleted_with_prune(project, tmp_path):
    write_docs(project.package, None)
    assert project.run("publish", "--yes").exit_code == 0
    release(project, {"issues": ROWS["issues"]}, tmp_path)

    kept = markdown_plan(project)
    assert counts(kept)["deleted"] == 0
    assert "3 resource(s) gone locally are kept (`--prune` deletes them)." in kept

    pruned = markdown_plan(project, "--prune")
    assert counts(pruned)["deleted"] == 3  # the themes schema, CSV and Parquet
    assert "- delete resource themes/csv" in pruned
    assert ", with `--prune`." in pruned
    assert "Version: 1.0.0 → **2.0.0**" in pruned  # a table removed breaks readers
