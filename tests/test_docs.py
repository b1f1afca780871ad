"""The data dictionary: every field documented, deterministic, and within udata's limit."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from researchkit import issue, make, rows

from ddet_data.loading import DATAPACKAGES
from ddet_data.package.dictionary import (
    DESCRIPTION_LIMIT,
    citation,
    code_fields,
    render_description,
    render_description_short,
    render_readme,
    write_readme,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def package(tmp_path):
    return make(tmp_path / "ddet-newsletter")


def section(text: str, table: str) -> str:
    start = text.index(f"### `{table}`")
    end = text.find("\n### ", start + 1)
    return text[start : end if end > 0 else len(text)]


def schemas_of(folder):
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return {
        r["name"]: json.loads((folder / r["schema"]).read_text(encoding="utf-8"))
        for r in descriptor["resources"]
        if r.get("type") == "table"
    }


def assert_every_field_documented(folder, text):
    for table, schema in schemas_of(folder).items():
        part = section(text, table)
        for field in schema["fields"]:
            row = next(
                (line for line in part.splitlines() if line.startswith(f"| `{field['name']}` |")),
                None,
            )
            assert row is not None, f"{table}.{field['name']} is not in the dictionary"
            assert f"({field['type']})" in row
            # A Markdown table cell escapes its pipes.
            assert " ".join(field["description"].split()).replace("|", "\\|") in row
            assert f"`{field['example']}`".replace("|", "\\|") in row
            assert ("| oui |" in row) == field["constraints"]["required"]
            for value in field["constraints"].get("enum", []):
                assert f"- `{value}` : {field['enumDescriptions'][value]}" in part
        for name in schema["primaryKey"]:
            assert f"`{name}`" in part.split("- Clé primaire :")[1].splitlines()[0]


def test_every_field_of_every_table_is_in_the_dictionary(package):
    assert_every_field_documented(package, render_readme(package))


def test_row_counts_follow_the_data(tmp_path):
    tables = rows()
    tables["issues"].append(issue(4, "Quatrième"))
    text = render_readme(make(tmp_path / "p", tables=tables))
    assert "| `issues` | Numéros | 4 |" in text
    assert "- Lignes : 4" in section(text, "issues")


def test_readme_has_licence_citation_loading_and_diagram(package):
    text = render_readme(package)
    assert "Licence Ouverte / Open Licence version 2.0" in text
    assert "> Mainteneurs de ddet-data (2026). *Newsletter DDET (essai)*, version 1.0.0" in text
    for needle in ('ddet_data.load("ddet-newsletter"', "duckdb", "frictionless validate"):
        assert needle.lower() in text.lower()
    diagram = text.split("```mermaid\n")[1].split("```")[0]
    assert diagram.startswith("erDiagram\n")
    assert '    issues ||--o{ item_themes : "issue_number"' in diagram
    assert "        string theme_id PK, FK" in diagram


def test_theme_chart_counts_records_per_theme(package):
    text = render_readme(package)
    chart = text.split("## Répartition par thème")[1].split("\n## ")[0]
    assert re.search(r"\| Données \(`donnees`\) \| █+ 2 \|", chart)
    assert re.search(r"\| Inclusion numérique \(`inclusion`\) \| █+ 1 \|", chart)


def test_readme_is_deterministic_and_ignores_readme_and_changelog(package):
    first = render_readme(package)
    (package / "README.md").write_text("old", encoding="utf-8")
    (package / "CHANGELOG.md").write_text("# x\n\n## 9.9.9\n\n- y\n", encoding="utf-8")
    assert render_readme(package) == first


def test_description_has_no_mermaid_and_the_latest_changelog_entry(package):
    (package / "CHANGELOG.md").write_text(
        "# Journal\n\n## 1.1.0\n\nVersion mineure.\n\n- Table `issues`\n\n## 1.0.0\n\nPremière.\n",
        encoding="utf-8",
    )
    text = render_description(package)
    assert "```mermaid" not in text
    assert "## Dernière version : 1.1.0" in text and "- Table `issues`" in text
    assert "Première." not in text
    assert_every_field_documented(package, text)


def test_description_fits_the_limit(package):
    full = render_description(package)
    assert len(full) <= DESCRIPTION_LIMIT
    shorter = render_description(package, limit=len(full) - 1)
    assert len(shorter) < len(full) and "README.md publié avec le jeu de données" in shorter
    tiny = render_description(package, limit=500)
    assert len(tiny) <= 500 and tiny.endswith("jeu de données.)\n")


def test_citation_says_who_when_what_version_and_licence():
    descriptor = {
        "title": "T",
        "version": "2.1.0",
        "created": "2026-11-29T00:00:00Z",
        "contributors": [{"title": "A"}],
        "licenses": [{"name": "etalab-2.0", "title": "Licence Ouverte"}],
    }
    assert citation(descriptor, "https://h") == (
        "A (2026). *T*, version 2.1.0 [jeu de données]. Licence Ouverte. https://h"
    )


def committed():
    return sorted(p.parent for p in DATAPACKAGES.glob("*/datapackage.json"))


@pytest.mark.parametrize("folder", committed(), ids=lambda p: p.name)
def test_committed_readmes_document_every_field_and_are_fresh(folder):
    text = render_readme(folder)
    assert_every_field_documented(folder, text)
    if (folder / "README.md").is_file():
        assert (folder / "README.md").read_text(encoding="utf-8") == text


def test_write_docs_versions_and_logs_successive_builds(tmp_path):
    from ddet_data.package.dictionary import write_docs

    first = make(tmp_path / "b1")
    assert write_docs(first, None) == "1.0.0"
    log = (first / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## 1.0.0\n\nPremière version du paquet." in log
    assert "| Version | 1.0.0 |" in (first / "README.md").read_text(encoding="utf-8")

    same = make(tmp_path / "b2")
    assert write_docs(same, first) == "1.0.0"
    for name in ("datapackage.json", "README.md", "CHANGELOG.md"):
        assert (same / name).read_bytes() == (first / name).read_bytes(), name

    tables = rows()
    tables["issues"].append(issue(4, "Quatrième"))
    grown = make(tmp_path / "b3", tables=tables)
    assert write_docs(grown, same) == "1.1.0"
    descriptor = json.loads((grown / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["version"] == "1.1.0"
    log = (grown / "CHANGELOG.md").read_text(encoding="utf-8")
    assert log.index("## 1.1.0") < log.index("## 1.0.0")
    assert "1 ligne ajoutée(s) : `4`" in log
    readme = (grown / "README.md").read_text(encoding="utf-8")
    assert "| Version | 1.1.0 |" in readme and "version 1.1.0 [jeu de données]" in readme
    assert "## Dernière version : 1.1.0" in render_description(grown)
    assert frictionless_valid(grown)


def frictionless_valid(folder) -> bool:
    import frictionless

    return frictionless.validate(str(folder / "datapackage.json")).valid


def test_cli_docs_writes_and_checks(tmp_path):
    from click.testing import CliRunner

    from ddet_data.cli.main import cli

    make(tmp_path / "datapackages" / "ddet-newsletter")
    runner = CliRunner()
    base = ["--root", str(tmp_path), "docs"]
    assert runner.invoke(cli, [*base, "--check"]).exit_code == 1
    result = runner.invoke(cli, base)
    assert result.exit_code == 0 and result.stdout.startswith("wrote ")
    assert runner.invoke(cli, [*base, "--check"]).exit_code == 0
    result = runner.invoke(cli, [*base, "ddet-newsletter", "--description"])
    assert not result.stdout.startswith("#") and "mermaid" not in result.stdout
    unknown = runner.invoke(cli, [*base, "nope"])
    assert unknown.exit_code == 1 and "no package 'nope' (known: ddet-newsletter)" in unknown.stderr


def prose_lines_hard_wrapped(text: str) -> list[str]:
    """Lines of a paragraph that continue the previous one: under remark-breaks each
    would become a line break in the middle of a sentence."""
    found, previous, fenced = [], "", False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced, previous = not fenced, ""
            continue
        block = line.lstrip().startswith(("#", "|", "- ", "> ", "![")) or not line.strip() or fenced
        if not block and previous:
            found.append(line)
        previous = "" if block else line
    return found


@pytest.mark.parametrize("folder", committed(), ids=lambda p: p.name)
def test_description_is_made_for_data_gouv_fr(folder):
    text = render_description(folder)
    title = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["title"]
    assert not text.startswith("#") and title not in text.splitlines()[0]
    assert text.startswith("Pour ")  # what the data is for
    assert "```mermaid" not in text and "erDiagram" not in text
    assert prose_lines_hard_wrapped(text) == []
    assert len(text) > 200
    short = render_description_short(folder)
    assert 0 < len(short) <= 200 and text.startswith(short.rstrip("…"))
    # Every picture is a file of the package, named by its resource marker.
    for marker in re.findall(r"\{\{resource:([^}]+)\}\}", text):
        assert (folder / marker).is_file(), marker
    assert "{{resource:docs/tables.png}}" in text


def test_hard_wrapped_prose_is_caught():
    assert prose_lines_hard_wrapped("Une phrase\ncoupée.\n\n- a\n- b\n") == ["coupée."]


def test_short_description_is_cut_at_a_word(tmp_path):
    folder = make(tmp_path / "p")
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["description"] = "Pour " + "mot " * 80
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    short = render_description_short(folder)
    assert len(short) <= 200 and short.endswith("mot…")


def test_pictures_are_byte_reproducible(tmp_path):
    first, second = make(tmp_path / "a"), make(tmp_path / "b")
    write_readme(first)
    write_readme(second)
    pictures = sorted(p.relative_to(first) for p in first.glob("docs/*.png"))
    assert [str(p) for p in pictures] == ["docs/tables.png", "docs/themes.png"]
    for picture in pictures:
        data = (first / picture).read_bytes()
        assert data.startswith(b"\x89PNG") and data == (second / picture).read_bytes()
        assert b"matplotlib" not in data.lower()
    assert "{{resource:docs/themes.png}}" in render_description(first)


@pytest.mark.parametrize("folder", committed(), ids=lambda p: p.name)
def test_codes_are_named_with_how_to_read_them_as_text(folder):
    text = render_description(folder)
    codes = code_fields(schemas_of(folder))
    assert codes
    for table, fields in codes.items():
        assert f"- `{table}` : " + ", ".join(f"`{f}`" for f in fields) in text
    for needle in ("dtype=str", "all_varchar", "readr::read_csv", "« Texte »", ".parquet"):
        assert needle in text


def code_blocks(text: str) -> list[tuple[str, str]]:
    return re.findall(r"```(\w+)\n(.*?)```", text, flags=re.S)


@pytest.mark.parametrize("folder", committed(), ids=lambda p: p.name)
def test_every_example_of_the_description_runs_as_written(folder, tmp_path):
    """In a folder holding only the package (as a download gives it), outside the checkout."""
    import shutil
    import subprocess
    import sys

    import duckdb

    where = tmp_path / folder.name
    shutil.copytree(folder, where)
    blocks = code_blocks(render_description(folder))
    assert {language for language, _ in blocks} >= {"python", "sql", "sh"}
    for language, body in blocks:
        if language == "python":
            run = subprocess.run([sys.executable, "-c", body], cwd=where, capture_output=True)
            assert run.returncode == 0, (body, run.stderr.decode())
        elif language == "sql":
            connection = duckdb.connect()
            try:
                import os

                os.chdir(where)
                for statement in filter(str.strip, body.split(";")):
                    assert connection.execute(statement).description  # columns read
            finally:
                os.chdir(ROOT)
        else:
            command = body.strip().split()
            command[0] = str(Path(sys.executable).parent / command[0])
            run = subprocess.run(command, cwd=where, capture_output=True)
            assert run.returncode == 0, (body, run.stdout.decode())
