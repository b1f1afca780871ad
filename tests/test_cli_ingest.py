"""`ddet-data ingest interview`: exit codes, the exact error line, and what it writes."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ddet_data.cli.ingest import ingest
from ddet_data.cli.main import cli
from ddet_data.sources.interviews import load_interviews, load_people
from ddet_data.sources.themes import load_themes

ROOT = Path(__file__).parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "project"
SEED = FIXTURE / "sources" / "interviews" / "emmanuel-vive-declic" / "page.txt"
FIXTURES = Path(__file__).parent / "fixtures" / "interviews"

if "ingest" not in cli.commands:  # registered by cli.py; kept explicit for this test
    cli.add_command(ingest)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "sources" / "opsn").mkdir(parents=True)
    shutil.copy(FIXTURE / "sources" / "opsn" / "organizations.yaml", tmp_path / "sources" / "opsn")
    return tmp_path


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def test_json_prints_the_parsed_interview_and_writes_nothing(project):
    result = run("--root", project, "ingest", "interview", SEED, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [sorted(q)[:2] for q in data["questions"]] == [["answer", "answer_end"]] * 3
    assert data["questions"][0]["question"].startswith("Quel est le rôle de Déclic")
    assert [(p["person_id"], p["role"], p["organization_id"]) for p in data["participants"]] == [
        ("julien-hautemaniere", "interviewer", "infhotep"),
        ("emmanuel-vive", "interviewee", "adico"),
        ("emmanuel-vive", "interviewee", "declic"),
    ]
    assert "’" in result.output  # ensure_ascii=False
    assert not (project / "sources" / "interviews").exists()


def test_ingest_writes_the_folder_and_a_draft_that_builds_once_checked(project):
    url = "https://old.infhotep.com/interview-de-emmanuel-vive-ddet"
    result = run("--root", project, "ingest", "interview", SEED, "--url", url)
    assert result.exit_code == 0, result.output
    folder = project / "sources" / "interviews" / "emmanuel-vive-declic"
    assert (folder / "page.txt").read_bytes() == SEED.read_bytes()
    draft = (folder / "interview.yaml").read_text(encoding="utf-8")
    assert "question_count: 3" in draft and "organization: declic" in draft
    shutil.copy(FIXTURE / "sources" / "people.yaml", project / "sources" / "people.yaml")
    tables = load_interviews(
        project / "sources" / "interviews",
        load_people(project / "sources" / "people.yaml"),
        load_themes(FIXTURE / "sources" / "themes.yaml"),
        {"adico", "declic", "infhotep"},
    )
    assert tables["interviews"][0]["url"] == url
    assert len(tables["interview_answers"]) == 3


def test_ingest_never_overwrites_without_force(project):
    assert run("--root", project, "ingest", "interview", SEED).exit_code == 0
    yaml = project / "sources" / "interviews" / "emmanuel-vive-declic" / "interview.yaml"
    yaml.write_text("checked by a person\n", encoding="utf-8")
    result = run("--root", project, "ingest", "interview", SEED)
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"error: {project}/sources/interviews/emmanuel-vive-declic/page.txt exists: "
        "check it, or rerun with --force to replace them"
    )
    assert yaml.read_text(encoding="utf-8") == "checked by a person\n"
    assert run("--root", project, "ingest", "interview", SEED, "--force").exit_code == 0
    assert "question_count: 3" in yaml.read_text(encoding="utf-8")


def test_an_html_page_is_kept_as_page_html_with_its_date(project):
    page = FIXTURES / "divi-bold-questions.html"
    result = run("--root", project, "ingest", "interview", page, "--id", "claire-fontaine")
    assert result.exit_code == 0, result.output
    folder = project / "sources" / "interviews" / "claire-fontaine"
    assert (folder / "page.html").is_file()
    draft = (folder / "interview.yaml").read_text(encoding="utf-8")
    assert 'published_on: "2021-05-18"' in draft
    assert 'url: "https://exemple.org/interview-de-claire-fontaine-ddet"' in draft


def test_a_page_with_no_question_exits_3_with_one_line(project, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Un article.\n", encoding="utf-8")
    result = run("--root", project, "ingest", "interview", page)
    assert result.exit_code == 3
    assert result.output.startswith(f"error: {page}: no question found")
    assert not (project / "sources" / "interviews").exists()


def test_a_bad_id_is_refused(project):
    result = run("--root", project, "ingest", "interview", SEED, "--id", "Mon Entretien")
    assert result.exit_code == 3
    assert "is not a slug" in result.output


def test_text_prints_the_text_the_offsets_refer_to(project):
    result = run("--root", project, "ingest", "interview", FIXTURES / "headings-toc.html", "--text")
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("Trois questions à Marc Olivier")
