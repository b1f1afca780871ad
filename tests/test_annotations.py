"""`--format github`: findings as workflow commands at the file and line a person edits."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ddet_data.cli.annotations import Annotation, escape_data, escape_property
from ddet_data.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
ISSUE = (ROOT / "tests" / "fixtures" / "issues" / "12.yaml").read_text(encoding="utf-8")
COMMAND = re.compile(r"^::error (?P<properties>[^:]*)::(?P<message>.*)$")


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the repository's sources, schemas and packages."""
    root = tmp_path / "project"
    for name in ("sources", "schemas", "datapackages"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "publish.toml", root / "publish.toml")
    return root


def run(root: Path, *args: str, env: dict | None = None):
    return CliRunner().invoke(cli, ["--root", str(root), *args], env=env)


def annotations(output: str) -> list[dict]:
    """Every ::error line, its properties unescaped as GitHub reads them."""
    found = []
    for line in output.splitlines():
        match = COMMAND.match(line)
        if match:
            properties = dict(p.split("=", 1) for p in match["properties"].split(","))
            properties = {k: unescape(v) for k, v in properties.items()}
            found.append({**properties, "message": unescape(match["message"])})
    return found


def unescape(text: str) -> str:
    for escaped, plain in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, plain)
    return text


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the n-th line containing `needle`."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


# -- the command format ----------------------------------------------------------------


def test_messages_and_properties_are_escaped_as_github_reads_them():
    assert escape_data("100% sûr\r\nligne 2") == "100%25 sûr%0D%0Aligne 2"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    command = Annotation("50% wrong: a\nb", "type-error", "data/x, y.csv", 7).command()
    assert command == "::error file=data/x%2C y.csv,line=7,title=type-error::50%25 wrong: a%0Ab"
    assert Annotation("no place").command() == "::error::no place"


# -- build: a source mistake at its YAML line ------------------------------------------

MISTAKES = {
    "a bad date": (
        ISSUE.replace("published_on: 2024-03-18", "published_on: 2024-02-30"),
        "published_on: 2024-02-30",
        "invalid date",
    ),
    "an unknown theme": (
        ISSUE.replace("themes: [amenagement-numerique]", "themes: [amenagement-numeriqe]"),
        "amenagement-numeriqe",
        "amenagement-numeriqe",
    ),
    "a duplicate key": (
        ISSUE.replace(
            "    publisher: Exemple Médias\n",
            "    publisher: Exemple Médias\n    url: https://example.org/autre\n",
        ),
        "https://example.org/autre",
        "duplicate key 'url'",
    ),
    "malformed YAML": (
        ISSUE.replace(
            "title: Les données au service des territoires",
            "title: Les données: au service: des territoires",
        ),
        "Les données: au service",
        "malformed YAML",
    ),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_a_source_mistake_is_annotated_at_its_file_and_line(project, mistake):
    text, needle, reason = MISTAKES[mistake]
    (project / "sources" / "issues").mkdir()
    (project / "sources" / "issues" / "27.yaml").write_text(
        text.replace("number: 12", "number: 27"), encoding="utf-8"
    )
    result = run(project, "build", "--format", "github")
    assert result.exit_code == 3, result.output
    (found,) = annotations(result.stdout)
    assert found["file"] == "sources/issues/27.yaml"  # relative to the root, not absolute
    assert found["line"] == str(line_of(text, needle))
    assert found["title"] == "SourceError"
    assert reason in found["message"]
    # The one-line error of the plain output is still there, on stderr.
    assert f"sources/issues/27.yaml:{found['line']}: " in result.stderr


def test_paths_are_relative_to_the_root_whatever_the_current_folder(project, monkeypatch):
    (project / "sources" / "issues").mkdir()
    (project / "sources" / "issues" / "27.yaml").write_text(
        ISSUE.replace("number: 12", "number: 27").replace("2024-03-18", "2024-13-01"), "utf-8"
    )
    schema = project / "schemas" / "themes.json"
    schema.write_text(schema.read_text("utf-8").replace('"example"', '"exemple"', 1), "utf-8")
    monkeypatch.chdir(project.parent)
    built = run(Path("project"), "build", "--format", "github")
    assert [a["file"] for a in annotations(built.stdout)] == ["sources/issues/27.yaml"]
    linted = run(Path("project"), "lint", "--format", "github")
    files = {a["file"] for a in annotations(linted.stdout)}
    assert files == {"schemas/themes.json"} and all(
        a["line"].isdigit() for a in annotations(linted.stdout) if "field '" in a["message"]
    )


def test_a_mistake_in_another_source_file_and_in_build_check(project):
    facts = project / "sources" / "opsn" / "facts.yaml"
    text = facts.read_text(encoding="utf-8").replace(
        "  - fact_id: F002\n    subject: declic\n", "  - fact_id: F002\n    subject: declc\n"
    )
    facts.write_text(text, encoding="utf-8")
    result = run(project, "build", "--check", "--format", "github")
    assert result.exit_code == 3, result.output
    (found,) = annotations(result.stdout)
    assert found["file"] == "sources/opsn/facts.yaml"
    assert found["line"] == str(line_of(text, "subject: declc"))
    assert "'declc'" in found["message"]


def test_github_actions_selects_the_format_and_plain_output_is_unchanged(project):
    issue = project / "sources" / "issues" / "27.yaml"
    issue.parent.mkdir()
    text = ISSUE.replace("number: 12", "number: 27\nnumber: 28")
    issue.write_text(text, encoding="utf-8")
    line = line_of(text, "number: 28")
    plain = run(project, "build")
    assert plain.exit_code == 3
    assert "::error" not in plain.output
    assert plain.stderr == (
        f"error: {project}/sources/issues/27.yaml:{line}: malformed YAML: duplicate key 'number'\n"
    )
    in_actions = run(project, "build", env={"GITHUB_ACTIONS": "true"})
    assert [a["line"] for a in annotations(in_actions.stdout)] == [str(line)]
    assert in_actions.stderr == plain.stderr
    forced_text = run(project, "build", "--format", "text", env={"GITHUB_ACTIONS": "true"})
    assert "::error" not in forced_text.output


def test_a_build_that_succeeds_prints_no_annotation(project):
    result = run(project, "build", "--check", "--format", "github")
    assert result.exit_code == 0, result.output
    assert "::" not in result.output


# -- validate: a data finding at its CSV file and line ---------------------------------


def rewrite_cell(path: Path, row_number: int, field: str, value: str) -> None:
    """Set one cell of a CSV file (row numbers as frictionless counts them: header is 1)."""
    with open(path, encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    rows[row_number - 1][rows[0].index(field)] = value
    with open(path, "w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerows(rows)


def test_a_data_finding_points_at_the_csv_line_of_its_row(project):
    # Answers hold newlines: row 4 does not start on line 4.
    answers = project / "datapackages" / "ddet-newsletter" / "data" / "interview_answers.csv"
    rewrite_cell(answers, 4, "position", "quatre")
    text = answers.read_text(encoding="utf-8")
    expected_line = line_of(text, ",quatre,")
    assert expected_line > 4

    result = run(project, "validate", "--format", "github")
    assert result.exit_code == 3, result.output
    found = annotations(result.stdout)
    file = "datapackages/ddet-newsletter/data/interview_answers.csv"
    cell = next(a for a in found if a["title"] == "type-error")
    assert cell == {
        "file": file,
        "line": str(expected_line),
        "title": "type-error",
        "message": cell["message"],
    }
    assert 'in row "4" and field "position"' in cell["message"]
    # A finding about the whole file (its hash changed) has the file and no line.
    whole = next(a for a in found if a["title"] == "hash-count")
    assert whole["file"] == file and "line" not in whole
    # The readable table follows, as in plain output.
    assert "INVALID: " in result.stdout


def test_a_project_check_finding_is_annotated_too(project):
    organizations = project / "datapackages" / "opsn" / "data" / "organizations.csv"
    rewrite_cell(organizations, 3, "siren", "123456789")  # a bad Luhn checksum
    result = run(project, "validate", str(project / "datapackages" / "opsn"), "--format", "github")
    assert result.exit_code == 3
    (siren,) = [a for a in annotations(result.stdout) if a["title"] == "siren-error"]
    assert (siren["file"], siren["line"]) == ("datapackages/opsn/data/organizations.csv", "3")


def test_validate_format_json_is_the_json_report(project):
    as_format = run(project, "validate", "--format", "json")
    as_flag = run(project, "validate", "--json")
    assert as_format.exit_code == as_flag.exit_code == 0
    report, expected = json.loads(as_format.stdout), json.loads(as_flag.stdout)
    for one in (report, expected):
        one["stats"].pop("seconds")
        for task in one["tasks"]:
            task["stats"].pop("seconds")
    assert report == expected
    # In GitHub Actions too, --json prints the report alone, for the program reading it.
    organizations = project / "datapackages" / "opsn" / "data" / "organizations.csv"
    rewrite_cell(organizations, 3, "siren", "123456789")
    in_actions = run(project, "validate", "--json", env={"GITHUB_ACTIONS": "true"})
    assert in_actions.exit_code == 3
    assert json.loads(in_actions.stdout)["stats"]["errors"] >= 1
    assert "::error" in run(project, "validate", env={"GITHUB_ACTIONS": "true"}).stdout


# -- lint: a schema finding at its field's line ----------------------------------------


def test_a_lint_finding_points_at_the_field_in_the_schema(project):
    path = project / "schemas" / "facts.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    field = schema["fields"][3]
    del field["example"]
    del schema["version"]
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")
    text = path.read_text(encoding="utf-8")

    result = run(project, "lint", "--format", "github")
    assert result.exit_code == 3
    found = annotations(result.stdout)
    assert {
        "file": "schemas/facts.json",
        "line": str(line_of(text, f'"name": "{field["name"]}"')),
        "title": "schema lint",
        "message": f"field '{field['name']}': missing example",
    } in found
    version = {"file": "schemas/facts.json", "title": "schema lint"}
    assert {**version, "message": "missing metadata 'version'"} in found
    plain = run(project, "lint")
    assert "::" not in plain.stdout
    assert plain.stdout.splitlines() == [
        line for line in result.stdout.splitlines() if not line.startswith("::")
    ]
