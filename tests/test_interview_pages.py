"""Parsing interview pages: the seed verbatim, and the page layouts found on the web."""

from pathlib import Path

import pytest

from ddet_data.errors import SourceError
from ddet_data.sources.interview_pages import parse_interview

ROOT = Path(__file__).parent.parent
SEED = ROOT / "sources" / "interviews" / "emmanuel-vive-declic" / "page.txt"
FIXTURES = Path(__file__).parent / "fixtures" / "interviews"


def paragraphs_of(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def test_seed_gives_its_three_questions_and_answers_verbatim():
    lines = paragraphs_of(SEED)
    parsed = parse_interview(SEED)
    assert [pair.question for pair in parsed.pairs] == [lines[3], lines[6], lines[9]]
    assert [pair.answer for pair in parsed.pairs] == [
        "\n".join(lines[4:6]),
        "\n".join(lines[7:9]),
        "\n".join(lines[10:13]),
    ]
    assert parsed.introduction == lines[2]
    assert parsed.signature == tuple(lines[13:16])
    assert parsed.language == "fr"
    assert parsed.warnings == ()


def test_offsets_point_back_into_the_page():
    text = SEED.read_text(encoding="utf-8")
    for pair in parse_interview(SEED).pairs:
        assert text[pair.question_start : pair.question_end] == pair.question
        assert text[pair.answer_start : pair.answer_end] == pair.answer
    assert "’" in parse_interview(SEED).pairs[2].question  # typographic apostrophe kept


def test_a_page_without_a_question_is_an_error_naming_the_file(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Un article.\nSans aucune question.\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"page\.txt: no question found"):
        parse_interview(page)
