"""Interview sources -> rows: the seed's rows, people, and each bad input as one located line."""

import datetime as dt
import shutil
from pathlib import Path

import pytest

from ddet_data.errors import SourceError
from ddet_data.sources.interviews import load_interviews, load_people, people_rows
from ddet_data.sources.themes import load_themes

ROOT = Path(__file__).parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "project"
SOURCES = FIXTURE / "sources"
ORGANIZATIONS = {"adico", "declic", "infhotep"}
SEED_THEMES = {
    "open-data", "rgpd", "cybersecurite", "inclusion-numerique", "accessibilite-numerique",
    "sobriete-numerique", "smart-city",
}  # fmt: skip


@pytest.fixture
def tree(tmp_path):
    """A copy of the seed interview, people and themes, to break one thing at a time."""
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES / "interviews" / "emmanuel-vive-declic",
                    sources / "interviews" / "emmanuel-vive-declic")  # fmt: skip
    shutil.copy(SOURCES / "people.yaml", sources / "people.yaml")
    shutil.copy(SOURCES / "themes.yaml", sources / "themes.yaml")
    return sources


def load(sources: Path, issue_numbers=None):
    return load_interviews(
        sources / "interviews",
        load_people(sources / "people.yaml"),
        load_themes(sources / "themes.yaml"),
        ORGANIZATIONS,
        issue_numbers,
    )


def test_seed_rows():
    tables = load(SOURCES)
    [interview] = tables["interviews"]
    assert interview["interview_id"] == "emmanuel-vive-declic"
    assert interview["url"] == "https://old.infhotep.com/interview-de-emmanuel-vive-ddet"
    assert interview["published_on"] is None and interview["issue_number"] is None
    assert interview["question_count"] == 3
    assert interview["source_path"] == "sources/interviews/emmanuel-vive-declic/page.txt"
    assert interview["introduction"].startswith("Dans cette interview, Julien Hautemaniere")
    assert [
        (r["person_id"], r["role"], r["job_title"], r["organization_id"])
        for r in tables["interview_participants"]
    ] == [
        ("julien-hautemaniere", "interviewer", "consultant en stratégie numérique", "infhotep"),
        ("emmanuel-vive", "interviewee", "directeur général", "adico"),
        ("emmanuel-vive", "interviewee", "président", "declic"),
    ]
    assert [r["position"] for r in tables["interview_answers"]] == [1, 2, 3]
    themes = tables["interview_themes"]
    assert {r["theme_id"] for r in themes} == SEED_THEMES
    assert {(r["position"], r["method"]) for r in themes} == {(3, "detected")}
    assert {r["matched_expression"] for r in themes} >= {"open data", "RGPD", "smart city"}


def test_rows_have_exactly_the_schema_fields_in_order():
    import json

    tables = load(SOURCES)
    for table, rows in tables.items():
        schema = json.loads((ROOT / "schemas" / f"{table}.json").read_text(encoding="utf-8"))
        assert list(rows[0]) == [f["name"] for f in schema["fields"]], table
    people = json.loads((ROOT / "schemas" / "people.json").read_text(encoding="utf-8"))
    rows = people_rows(load_people(SOURCES / "people.yaml"))
    assert list(rows[0]) == [f["name"] for f in people["fields"]]


def test_editorial_themes_and_a_known_date(tree):
    path = tree / "interviews" / "emmanuel-vive-declic" / "interview.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "published_on: null", "published_on: 2021-03-02"
    )
    path.write_text(text + "themes: [mutualisation]\n", encoding="utf-8")
    tables = load(tree)
    assert tables["interviews"][0]["published_on"] == dt.date(2021, 3, 2)
    added = [r for r in tables["interview_themes"] if r["method"] == "editorial"]
    assert added == [
        {
            "interview_id": "emmanuel-vive-declic",
            "theme_id": "mutualisation",
            "method": "editorial",
            "matched_expression": None,
            "position": None,
        }
    ]


def test_no_interviews_folder_gives_empty_tables(tmp_path):
    assert all(rows == [] for rows in load_interviews(tmp_path / "none", {}, {}, set()).values())


def edit(tree: Path, old: str, new: str) -> Path:
    path = tree / "interviews" / "emmanuel-vive-declic" / "interview.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


YAML = "sources/interviews/emmanuel-vive-declic/interview.yaml"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("participants:", "participants: [oops", rf"{YAML}:\d+: malformed YAML"),
        ("language: fr", "langage: fr",
         rf"{YAML}:7: unknown key 'langage' in interview \(did you mean 'language'\?\)"),
        ("person: emmanuel-vive", "person: emmanuel-viv",
         rf"{YAML}:16: unknown person 'emmanuel-viv' \(did you mean 'emmanuel-vive'\?\); "
         "people are defined in sources/people.yaml"),
        ("organization: adico", "organization: adicoo",
         rf"{YAML}:19: unknown organization 'adicoo' \(did you mean 'adico'\?\)"),
        ("published_on: null", "published_on: 2021-02-30",
         rf"{YAML}:4: invalid date '2021-02-30' for published_on"),
        ("published_on: null", "published_on: 2021-03",
         rf"{YAML}:4: invalid date '2021-03' for published_on \(expected YYYY-MM-DD\)"),
        ("role: interviewer", "role: interviewr",
         rf"{YAML}:13: role 'interviewr' is not one of interviewer, interviewee "
         r"\(did you mean 'interviewer'\?\)"),
        ("question_count: 3", "question_count: 4",
         rf"{YAML}:9: question_count is 4 but the page now gives 3 questions"),
        ("url: https://old", "url: old", rf"{YAML}:3: url 'old\.infhotep\.com/\S+' has no scheme: "
         r"write 'https://old\.infhotep\.com/"),
        ("url: https://old", "url: ftp://old",
         rf"{YAML}:3: url 'ftp://\S+' is not an http\(s\) address"),
        ("issue_number: null", "issue_number: 7", rf"{YAML}:6: unknown issue_number 7"),
    ],
)  # fmt: skip
def test_bad_interview_yaml_is_one_located_error(tree, monkeypatch, old, new, message):
    monkeypatch.chdir(tree.parent)
    edit(tree, old, new)
    with pytest.raises(SourceError, match=message):
        load(Path("sources"), issue_numbers={1})


def test_an_unknown_theme_has_a_did_you_mean(tree, monkeypatch):
    monkeypatch.chdir(tree.parent)
    path = edit(tree, "question_count: 3", "question_count: 3\nthemes: [open-dta]")
    with pytest.raises(SourceError, match=r"interview.yaml:10: unknown theme 'open-dta' "
                       r"\(did you mean 'open-data'\?\)"):  # fmt: skip
        load(Path("sources"))
    assert path.exists()


def test_duplicate_person_id(tree, monkeypatch):
    monkeypatch.chdir(tree.parent)
    people = tree / "people.yaml"
    people.write_text(
        people.read_text(encoding="utf-8") + "- id: emmanuel-vive\n  name: Autre\n",
        encoding="utf-8",
    )
    with pytest.raises(
        SourceError,
        match=r"sources/people.yaml:13: duplicate person id 'emmanuel-vive' \(first at line 11\)",
    ):
        load_people(Path("sources/people.yaml"))


def test_a_page_with_no_question(tree, monkeypatch):
    monkeypatch.chdir(tree.parent)
    page = tree / "interviews" / "emmanuel-vive-declic" / "page.txt"
    page.chmod(0o644)
    page.write_text("Sélectionner une page\nUn article sans entretien.\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"^sources/interviews/emmanuel-vive-declic/page.txt: "
                       "no question found"):  # fmt: skip
        load(Path("sources"))


def test_a_page_that_is_not_utf8(tree, monkeypatch):
    monkeypatch.chdir(tree.parent)
    page = tree / "interviews" / "emmanuel-vive-declic" / "page.txt"
    page.chmod(0o644)
    page.write_bytes("Quel rôle ?\nRéponse.\n".encode("cp1252"))
    with pytest.raises(SourceError, match=r"page.txt:1: file is not UTF-8 .*re-save it as UTF-8"):
        load(Path("sources"))


def test_a_folder_without_interview_yaml_or_page(tree):
    (tree / "interviews" / "emmanuel-vive-declic" / "interview.yaml").unlink()
    with pytest.raises(SourceError, match="missing interview.yaml"):
        load(tree)
    (tree / "interviews" / "emmanuel-vive-declic").mkdir(exist_ok=True)
    empty = tree / "interviews" / "autre"
    empty.mkdir()
    (empty / "interview.yaml").write_text("url: https://x.org\n", encoding="utf-8")
    with pytest.raises(SourceError):
        load(tree)
