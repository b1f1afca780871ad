"""The theme vocabulary: loading it strictly, and matching it deterministically."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddet_data.errors import SourceError
from ddet_data.sources.pages.interview import parse_interview
from ddet_data.sources.themes import Theme, detect_themes, fold, load_themes, theme_rows

ROOT = Path(__file__).parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "project"
VOCABULARY = FIXTURE / "sources" / "themes.yaml"
SEED = FIXTURE / "sources" / "interviews" / "emmanuel-vive-declic" / "page.txt"
SEED_THEMES = [
    "open-data", "rgpd", "cybersecurite", "inclusion-numerique", "accessibilite-numerique",
    "sobriete-numerique", "smart-city",
]  # fmt: skip
THEMES = {
    "smart-city": Theme("smart-city", "Ville intelligente", "Smart city", "Déf.", ("smart city",)),
    "ia": Theme("ia", "IA", "AI", "Déf.", ("IA", "intelligence artificielle")),
    "cyber": Theme("cyber", "Cyber", "Cyber", "Déf.", ("cybersécurité",)),
}


def ids(text, themes=THEMES):
    return [m.theme_id for m in detect_themes(text, themes)]


def test_the_seed_names_exactly_its_seven_themes_in_its_third_answer():
    themes = load_themes(VOCABULARY)
    pairs = parse_interview(SEED).pairs
    assert ids(pairs[2].answer, themes) == SEED_THEMES
    assert ids(pairs[0].answer, themes) == [] and ids(pairs[1].answer, themes) == []
    assert all(ids(pair.question, themes) == [] for pair in pairs)
    assert ids(parse_interview(SEED).introduction, themes) == []


def test_matching_ignores_case_and_accents_and_records_the_vocabulary_expression():
    [match] = detect_themes("La CYBERSECURITE des communes", THEMES)
    assert (match.theme_id, match.expression, match.matched_text) == (
        "cyber",
        "cybersécurité",
        "CYBERSECURITE",
    )
    assert (match.start, match.end) == (3, 16)


def test_words_match_whole_and_hyphens_match_spaces():
    assert ids("la via ferrata et le mot IAS") == []
    assert ids("l’IA générative") == ["ia"]
    assert ids("une smart-city, une Smart\nCity") == ["smart-city"]
    assert ids("smartcity") == []


def test_one_match_per_theme_at_its_first_place_sorted_by_offset():
    matches = detect_themes("Smart city puis intelligence artificielle puis IA", THEMES)
    assert [(m.theme_id, m.expression) for m in matches] == [
        ("smart-city", "smart city"),
        ("ia", "intelligence artificielle"),
    ]


def test_fold_keeps_offsets_for_ligatures_and_apostrophes():
    assert fold("Œuvre d’Élodie") == "oeuvre d'elodie"


def test_theme_rows_join_expressions():
    rows = theme_rows(load_themes(VOCABULARY))
    open_data = next(row for row in rows if row["theme_id"] == "open-data")
    assert open_data["expressions"].startswith("open data | opendata | données ouvertes")
    assert {row["theme_id"] for row in rows} >= set(SEED_THEMES)


def write(tmp_path, text):
    path = tmp_path / "themes.yaml"
    path.write_text(text, encoding="utf-8")
    return path


ENTRY = "- id: {id}\n  label_fr: L\n  label_en: L\n  definition: D\n  expressions: [{expr}]\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (ENTRY.format(id="a", expr="x") + ENTRY.format(id="a", expr="y"),
         r"themes.yaml:6: duplicate theme id 'a' \(first at line 1\)"),
        (ENTRY.format(id="a", expr="open data") + ENTRY.format(id="b", expr="Open-Data"),
         r"themes.yaml:10: expression 'Open-Data' already signals theme 'a'"),
        (ENTRY.format(id="a", expr="x").replace("label_en", "label_em"),
         r"themes.yaml:3: unknown key 'label_em' in theme \(did you mean 'label_en'\?\)"),
        (ENTRY.format(id="Open Data", expr="x"), r"themes.yaml:1: theme id 'Open Data' is not"),
        (ENTRY.format(id="a", expr=""), r"themes.yaml:5: expressions must be a non-empty list"),
        ("- id: a\n  label_fr: [oops\n", r"themes.yaml:\d+: malformed YAML"),
    ],
)  # fmt: skip
def test_a_bad_vocabulary_is_one_located_error(tmp_path, text, message):
    with pytest.raises(SourceError, match=message):
        load_themes(write(tmp_path, text))


@given(st.text(alphabet=st.sampled_from(list("aàeéiIAsmrtc yÉ’'-\n")), max_size=60))
@settings(max_examples=300, deadline=None)
def test_a_match_is_the_expression_where_it_was_found(text):
    for match in detect_themes(text, THEMES):
        found = fold(text[match.start : match.end]).replace("-", " ").split()
        assert found == fold(match.expression).split()
