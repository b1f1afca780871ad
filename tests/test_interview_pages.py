"""Parsing interview pages: the seed verbatim, and the page layouts found on the web."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddet_data.errors import SourceError
from ddet_data.sources.pages.interview import parse_interview

ROOT = Path(__file__).parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "project"
SEED = FIXTURE / "sources" / "interviews" / "emmanuel-vive-declic" / "page.txt"
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
    assert (parsed.title, parsed.published_on) == (None, None)  # the page gives neither


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


def seed_as_divi_html() -> str:
    """The seed's own paragraphs laid out as its site (WordPress/Divi) would serve them."""
    import html

    lines = paragraphs_of(SEED)

    def p(text: str) -> str:
        escaped = html.escape(text, quote=False).replace("’", "&rsquo;").replace(" ?", "&nbsp;?")
        return f"<p>{escaped}</p>"

    body = "\n".join(
        [p(lines[1]), p(lines[2])]
        + [f"<p><strong>{p(line)[3:-4]}</strong></p>" if i in (3, 6, 9) else p(line)
           for i, line in enumerate(lines[3:13], start=3)]
        + [f"<h4>{lines[13]}</h4>", f"<p>{lines[14]}</p>", p(lines[15])]
    )  # fmt: skip
    return (
        "<!DOCTYPE html><html lang='fr-FR'><head><title>Interview</title></head><body>"
        "<header id='main-header'><div id='et_mobile_nav_menu'><div class='mobile_nav closed'>"
        "<span class='select_page'>Sélectionner une page</span></div></div></header>"
        f"<div id='main-content'><article class='et_pb_post'><div class='entry-content'>{body}"
        "</div></article></div><footer id='main-footer'>Propulsé par WordPress</footer>"
        "</body></html>"
    )


def test_the_seed_saved_as_html_gives_the_same_rows(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(seed_as_divi_html(), encoding="utf-8")
    from_html, from_text = parse_interview(page), parse_interview(SEED)
    assert [(p.question, p.answer) for p in from_html.pairs] == [
        (p.question, p.answer) for p in from_text.pairs
    ]
    assert from_html.introduction == from_text.introduction
    assert from_html.participants == from_text.participants
    for pair in from_html.pairs:
        assert from_html.page.text[pair.answer_start : pair.answer_end] == pair.answer


def test_seed_participants_found_in_introduction_and_signature():
    organizations = {"adico": ["Adico"], "declic": ["Déclic"], "infhotep": ["Infhotep"]}
    found = parse_interview(SEED, organizations).participants
    assert [(p.person_id, p.role, p.job_title, p.organization_id) for p in found] == [
        ("julien-hautemaniere", "interviewer", "Consultant en stratégie numérique", "infhotep"),
        ("emmanuel-vive", "interviewee", "Directeur Général", "adico"),
        ("emmanuel-vive", "interviewee", "Président", "declic"),
    ]


def questions_of(name: str) -> list[str]:
    return [pair.question for pair in parse_interview(FIXTURES / name).pairs]


def test_bold_questions_a_bold_prompt_and_a_rhetorical_question_in_an_answer():
    parsed = parse_interview(FIXTURES / "divi-bold-questions.html")
    assert [pair.question for pair in parsed.pairs] == [
        "Comment votre syndicat accompagne-t-il les petites communes ?",
        "Votre parcours en quelques mots.",
        "Quelle place pour l’open data dans vos projets ?",
    ]
    assert parsed.pairs[2].answer == (
        "Elle grandit : nous aidons les communes à publier leurs délibérations et leurs "
        "budgets.\nEst-ce suffisant ?\nPas encore, mais la dynamique est là."
    )
    assert parsed.signature == ("Paul Girard", "Consultant en transformation numérique")
    assert parsed.introduction.startswith("Dans cette interview, Paul Girard")


def test_q_and_r_labels_and_hard_wrapped_answers():
    parsed = parse_interview(FIXTURES / "qr-labels.txt")
    assert [pair.question for pair in parsed.pairs] == [
        "Pourquoi avoir lancé un portail de données ouvertes dans une intercommunalité rurale ?",
        "Quelles difficultés avez-vous rencontrées ?",
        "Et demain ?",
    ]
    # A question inside an answer stays there: this page labels its questions "Q :".
    assert parsed.pairs[1].answer.startswith("La qualité des données, d’abord. Qui est")
    assert parsed.pairs[0].answer.endswith(
        "\n\nNous avons commencé par les horaires des déchèteries et les budgets."
    )
    assert parsed.signature == ("Propos recueillis par Léa Garnier",)


def test_speaker_labels_are_left_out_and_a_closing_thanks_is_no_question():
    parsed = parse_interview(FIXTURES / "speaker-labels.txt")
    assert [pair.question for pair in parsed.pairs] == [
        "Qu’est-ce qui vous a conduit à tester un assistant de rédaction ?",
        "Comment protégez-vous les données personnelles des usagers ?",
        "Un conseil aux autres communes ?",
    ]
    assert parsed.pairs[0].answer == (
        "Le volume de courriers a doublé en trois ans.\n"
        "Nous ne pouvions pas recruter autant d’agents."
    )
    assert (
        parsed.pairs[2].answer == "Commencer petit, mesurer, et associer les agents dès le départ."
    )
    assert len(parsed.warnings) == 1 and "'Merci !'" in parsed.warnings[0]
    assert "Publié le" not in parsed.introduction and "Menu" not in parsed.introduction
    assert parsed.title.startswith("La mairie de Bellerive teste")
    assert parsed.published_on == "2022-02-04"
    assert parsed.published_evidence == "line 4 of the page: 'Publié le 4 février 2022'"


def test_heading_questions_after_a_table_of_contents():
    parsed = parse_interview(FIXTURES / "headings-toc.html")
    assert [pair.question for pair in parsed.pairs] == [
        "D’où viennent les données de la carte ?",
        "Qui peut les réutiliser ?",
    ]
    assert parsed.pairs[0].answer.endswith("les signalements recueillis en mairie.")
    assert parsed.pairs[1].answer.endswith("la plus simple pour les communes.")
    assert "cookies" not in parsed.page.text and "À lire aussi" not in parsed.page.text
    assert parsed.page.published == "2023-10-02"


def test_numbered_questions_dialogue_dashes_and_a_question_on_two_lines():
    parsed = parse_interview(FIXTURES / "dialogue-dashes.txt")
    assert [pair.question for pair in parsed.pairs] == [
        "Combien de personnes avez-vous accompagnées ?",
        "Quelles démarches posent le plus de difficultés ?\nEt comment les simplifier ?",
    ]
    assert parsed.pairs[0].answer == "Près de quatre mille, surtout pour des démarches en ligne."
    assert parsed.signature == ("Inès Barreau", "Déléguée à l’inclusion numérique")


def test_every_fixture_points_back_into_its_page():
    for path in [SEED, *sorted(FIXTURES.iterdir())]:
        parsed = parse_interview(path)
        for pair in parsed.pairs:
            assert parsed.page.text[pair.question_start : pair.question_end] == pair.question
            assert parsed.page.text[pair.answer_start : pair.answer_end] == pair.answer
            assert pair.question.strip() == pair.question and pair.answer.strip() == pair.answer


def test_a_question_without_any_answer_is_an_error(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Introduction.\nUne seule question ?\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"page\.txt:2: no answered question found"):
        parse_interview(page)


@given(st.lists(st.sampled_from(["Intro.", "Question ?", "Réponse.", "", "- Q : Quoi ?", "R : Oui.",
                                 "Jean Dupont", "**Gras ?**", "  ", "Menu", "DDET : Et ?"]),
                max_size=12))  # fmt: skip
@settings(max_examples=200, deadline=None)
def test_a_page_gives_pairs_that_point_into_it_or_a_source_error(lines):
    from ddet_data.sources.pages.interview import parse_page
    from ddet_data.sources.pages.paragraphs import page_from_text

    page = page_from_text(Path("page.txt"), "\n".join(lines))
    try:
        parsed = parse_page(page)
    except SourceError:
        return
    assert parsed.pairs
    for pair in parsed.pairs:
        assert page.text[pair.question_start : pair.question_end] == pair.question
        assert page.text[pair.answer_start : pair.answer_end] == pair.answer


def test_a_colon_after_a_common_word_is_not_a_speaker_label(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(
        "Intro.\nQuel est votre rôle ?\nExemple : la cantine.\nExemple : la voirie.\n"
        "Et ensuite ?\nNous verrons.\n",
        encoding="utf-8",
    )
    assert parse_interview(page).pairs[0].answer == "Exemple : la cantine.\nExemple : la voirie."


def test_someone_introduced_alone_is_the_interviewee(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(
        "Dans cette interview, Jeanne Test, consultante au sein d’Infhotep, revient sur "
        "la genèse du projet.\nPourquoi ce projet ?\nPour informer.\n",
        encoding="utf-8",
    )
    [found] = parse_interview(page).participants
    assert (found.name, found.role, found.job_title, found.organization) == (
        "Jeanne Test",
        "interviewee",
        "consultante",
        "Infhotep",
    )


def people_of(parsed) -> list[tuple]:
    return [
        (p.name, p.role, p.job_title, p.organization, p.organization_id)
        for p in parsed.participants
    ]


def test_a_browser_copy_loses_its_menu_and_keeps_both_participants():
    parsed = parse_interview(FIXTURES / "menu-lines-browser-copy.txt", {"infhotep": ["Infhotep"]})
    assert parsed.title == "Interview : Bastien Lacroix"
    assert parsed.introduction.startswith("Maëlle Corbin, consultante au sein d’Infhotep")
    assert "Actualités" not in parsed.introduction and "Contact" not in parsed.introduction
    assert people_of(parsed) == [
        (
            "Maëlle Corbin",
            "interviewer",
            "Consultante en données publiques",
            "Infhotep",
            "infhotep",
        ),
        ("Bastien Lacroix", "interviewee", "Président", "Numéria Ouest", None),
    ]
    assert len(parsed.pairs) == 2


@pytest.mark.parametrize(
    "known",
    [
        {"atdvc": ["ATDVC"]},
        {"atdvc": ["Agence technique départementale de la Vallée Claire"]},
    ],
)
def test_an_organization_with_lower_case_words_and_an_acronym(known):
    parsed = parse_interview(FIXTURES / "bold-acronym-organization.html", known)
    assert people_of(parsed) == [
        (
            "Gaspard Roussel",
            "interviewee",
            "directeur général",
            "Agence technique départementale de la Vallée Claire (ATDVC)",
            "atdvc",
        )
    ]
    assert len(parsed.pairs) == 2


def test_question_and_reponse_labels_and_an_interview_de_heading():
    parsed = parse_interview(FIXTURES / "question-reponse-labels.txt")
    assert [(p.question, p.answer) for p in parsed.pairs] == [
        (
            "Quelle est la mission du SIMERA ?",
            "Fournir aux collectivités adhérentes des outils numériques sûrs et partagés.",
        ),
        (
            "Quels sont vos chantiers prioritaires ?",
            "La cybersécurité des petites mairies et la dématérialisation des actes d’urbanisme.",
        ),
    ]
    assert people_of(parsed) == [
        ("Mathilde Fabre", "interviewee", "directrice générale", "SIMERA", None)
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Interview d’Aline Vasseur, cheffe de projet à la Ville de Montclair.",
        "Entretien avec Aline Vasseur, cheffe de projet à la Ville de Montclair.",
        "Rencontre avec Aline Vasseur, cheffe de projet à la Ville de Montclair.",
        "Aline Vasseur, cheffe de projet à la Ville de Montclair, répond à nos questions.",
    ],
)
def test_ways_of_introducing_the_interviewee(sentence):
    from ddet_data.sources.pages.participants import find_participants

    [found] = find_participants([sentence])
    assert (found.name, found.role, found.job_title, found.organization) == (
        "Aline Vasseur",
        "interviewee",
        "cheffe de projet",
        "Ville de Montclair",
    )


def test_the_interviewers_labelled_turns_are_questions_even_without_a_question_mark():
    parsed = parse_interview(
        FIXTURES / "speaker-prompts-without-question-marks.txt", {"declic": ["Déclic"]}
    )
    assert [pair.question for pair in parsed.pairs] == [
        "Parlez-nous de votre parcours.",
        "Quelles sont les priorités de la fédération ?",
        "Décrivez-nous une journée type.",
    ]
    assert parsed.pairs[2].answer.startswith("Des réunions avec les adhérents")
    assert parsed.warnings == ()
    assert people_of(parsed)[1] == ("Odile Brunet", "interviewee", "présidente", "Déclic", "declic")


def test_a_labelled_turn_not_read_as_a_question_is_reported(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(
        "Table ronde avec deux élues.\n"
        "DDET : Présentez-vous.\nAnne Roy : Je suis maire.\nLise Noël : Je suis adjointe.\n"
        "DDET : Quel est votre projet ?\nAnne Roy : Une médiathèque.\nLise Noël : Oui.\n",
        encoding="utf-8",
    )
    parsed = parse_interview(page)
    assert [pair.question for pair in parsed.pairs] == ["Quel est votre projet ?"]
    assert parsed.warnings == (
        "line 2: 3 labelled turn(s) before the first question were kept in the "
        "introduction, from 'DDET : Présentez-vous.'",
    )


def test_with_three_speakers_the_one_asking_is_the_interviewer(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(
        "Table ronde avec deux élues.\n"
        "DDET : Quel est votre projet ?\nAnne Roy : Une médiathèque.\n"
        "DDET : Précisez.\nLise Noël : Elle ouvrira en juin.\n"
        "DDET : Et le budget ?\nAnne Roy : Deux millions.\n",
        encoding="utf-8",
    )
    parsed = parse_interview(page)
    assert [pair.question for pair in parsed.pairs] == [
        "Quel est votre projet ?",
        "Précisez.",
        "Et le budget ?",
    ]
    assert parsed.warnings == ()


def test_two_affiliations_separated_by_a_comma():
    from ddet_data.sources.pages.participants import find_participants

    found = find_participants(
        ["Rémi Tessier, directeur du Syndicat Numérique Vallée, président de Déclic, "
         "répond à nos questions."],
        organizations={"declic": ["Déclic"]},
    )  # fmt: skip
    assert [(p.name, p.job_title, p.organization, p.organization_id) for p in found] == [
        ("Rémi Tessier", "directeur", "Syndicat Numérique Vallée", None),
        ("Rémi Tessier", "président", "Déclic", "declic"),
    ]
