"""Newsletter issue sources: rows, theme detection, territories, and each bad input."""

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from ddet_data.errors import SourceError
from ddet_data.sources.issues import load_issues

FIXTURE = Path(__file__).parent / "fixtures" / "issues" / "12.yaml"
THEMES = {"amenagement-numerique", "open-data", "rgpd"}


@dataclass
class Match:
    theme_id: str
    expression: str


def detect(text):
    # A tiny stand-in vocabulary: the real matching is tested in test_themes.py.
    found = []
    if "open data" in text:
        found.append(Match("open-data", "open data"))
    if "protection des données" in text:
        found.append(Match("rgpd", "protection des données"))
    return found


def load(folder):
    return load_issues(folder, THEMES, detect)


@pytest.fixture
def issues_dir(tmp_path):
    shutil.copy(FIXTURE, tmp_path / "12.yaml")
    return tmp_path


def test_missing_folder_gives_empty_tables(tmp_path):
    tables = load(tmp_path / "absent")
    assert tables == {"issues": [], "issue_items": [], "item_themes": [], "item_territories": []}


def test_issue_items_themes_and_territories(issues_dir):
    tables = load(issues_dir)
    assert [row["issue_number"] for row in tables["issues"]] == [12]
    assert str(tables["issues"][0]["published_on"]) == "2024-03-18"
    assert [(r["item_id"], r["position"]) for r in tables["issue_items"]] == [
        ("12-1", 1),
        ("12-2", 2),
    ]
    assert tables["issue_items"][1]["url"] is None
    themes = {
        (r["item_id"], r["theme_id"], r["method"], r["matched_expression"])
        for r in tables["item_themes"]
    }
    assert themes == {
        ("12-1", "amenagement-numerique", "editorial", None),
        ("12-1", "open-data", "detected", "open data"),
        ("12-2", "rgpd", "detected", "protection des données"),
    }
    territories = [
        (r["item_id"], r["territory_kind"], r["territory_code"]) for r in tables["item_territories"]
    ]
    assert territories == [
        ("12-1", "region", "32"),
        ("12-2", "departement", "60"),
        ("12-2", "commune", "60057"),
    ]


def rewrite(issues_dir, old, new):
    path = issues_dir / "12.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            "    publisher:",
            "    publsher:",
            9,
            "unknown key 'publsher' in item (did you mean 'publisher'?)",
        ),
        ("published_on: 2024-03-18", "published_on: 2024-02-30", 3, "invalid date '2024-02-30'"),
        (
            "themes: [amenagement-numerique]",
            "themes: [amenagement-numeriqu]",
            11,
            "unknown theme 'amenagement-numeriqu' (did you mean 'amenagement-numerique'?)",
        ),
        (
            'territories: ["60"',
            'territories: ["6O"',
            15,
            "'6O' is not a valid INSEE departement code",
        ),
        ('{region: "32"}', '{region: "99"}', 12, "'99' is not a valid INSEE region code"),
        ("items:\n", "items: [\n", 7, "malformed YAML"),
        ("number: 12", "number: 13", 2, "file name does not match the issue number 13"),
    ],
)
def test_bad_input_names_file_and_line(issues_dir, old, new, line, message):
    path = rewrite(issues_dir, old, new)
    with pytest.raises(SourceError) as caught:
        load(issues_dir)
    assert caught.value.path == path
    assert caught.value.line == line
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_not_utf8_is_said_plainly(issues_dir):
    path = issues_dir / "12.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    with pytest.raises(SourceError, match="not UTF-8"):
        load(issues_dir)


def test_the_documented_example_builds_with_the_real_vocabulary(tmp_path):
    """The README points at the fixture as the format's example: it must use real themes."""
    from ddet_data.sources.themes import detect_themes, load_themes

    themes = load_themes(Path(__file__).parent / "fixtures" / "project" / "sources" / "themes.yaml")
    shutil.copy(FIXTURE, tmp_path / "12.yaml")
    tables = load_issues(tmp_path, set(themes), lambda text: detect_themes(text, themes))
    assert {row["theme_id"] for row in tables["item_themes"]} >= {
        "amenagement-numerique",
        "open-data",
    }
