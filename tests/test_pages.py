"""Pages: text files and saved HTML pages cut into paragraphs that point into the text."""

from pathlib import Path

import pytest

from ddet_data.errors import SourceError
from ddet_data.sources.pages.html_text import html_text
from ddet_data.sources.pages.paragraphs import page_from_text, read_page, text_paragraphs

FIXTURES = Path(__file__).parent / "fixtures" / "interviews"


def texts(paragraphs):
    return [p.text for p in paragraphs]


def test_text_paragraphs_are_lines_with_offsets_into_the_file():
    text = "\ufeffPremier paragraphe.\r\n\r\n  Deuxième ?\r\nTroisième.\n"
    paragraphs = text_paragraphs(text)
    assert texts(paragraphs) == ["Premier paragraphe.", "Deuxième ?", "Troisième."]
    assert [p.line for p in paragraphs] == [1, 3, 4]
    for p in paragraphs:
        assert text[p.start : p.end] == p.text


def test_hard_wrapped_lines_join_but_sentences_do_not():
    text = "Une réponse coupée par\nun retour à la ligne.\nUne autre phrase.\nsuite en minuscule"
    assert texts(text_paragraphs(text)) == [
        "Une réponse coupée par\nun retour à la ligne.",
        "Une autre phrase.",
        "suite en minuscule",
    ]


def test_html_drops_furniture_and_keeps_the_article():
    page = read_page(FIXTURES / "divi-bold-questions.html")
    assert page.kind == "html"
    assert "Sélectionner une page" not in page.text
    assert "Elegant Themes" not in page.text
    assert "Articles récents" not in page.text
    assert "Soumettre un commentaire" not in page.text
    assert "Accueil" not in page.text
    assert page.title == "Interview de Claire Fontaine - DDET"  # og:title: the h1 sits in furniture
    assert (page.published, page.published_evidence) == (
        "2021-05-18",
        "<meta article:published_time>",
    )
    assert page.url == "https://exemple.org/interview-de-claire-fontaine-ddet"
    for p in page.paragraphs:
        assert page.text[p.start : p.end] == p.text


def test_html_entities_spaces_and_line_breaks():
    markup = (
        "<html><body><article><p>L&rsquo;open&nbsp;data,\n   enfin&#8239;?</p>"
        "<p>Un<br>deux <b>gras</b> <i>fin</i></p></article></body></html>"
    )
    extracted = html_text(markup)
    assert extracted.text == "L’open data, enfin\u202f?\nUn\ndeux gras fin"


def test_a_bold_question_and_its_answer_in_one_paragraph_are_two_paragraphs():
    extracted = html_text("<p><strong>Votre rôle ?</strong> Nous aidons les communes.</p>")
    assert extracted.text == "Votre rôle ? Nous aidons les communes."
    blocks = [(extracted.text[b.start : b.end], b.flags[0]) for b in extracted.blocks]
    assert blocks == [("Votre rôle ?", True), ("Nous aidons les communes.", False)]


def test_a_form_wrapping_the_whole_page_is_not_furniture():
    # ASP.NET pages put everything inside one <form>.
    markup = "<body><form id='aspnetForm'><p>Question longue ?</p><p>Réponse.</p></form></body>"
    assert html_text(markup).text == "Question longue ?\nRéponse."


def test_unclosed_paragraphs_and_list_items_are_closed_as_browsers_do():
    markup = "<p>Un<p>Deux<ul><li>trois<li>quatre</ul><div>cinq</div>"
    assert html_text(markup).text == "Un\nDeux\ntrois\nquatre\ncinq"


def test_html_is_recognized_by_content_too():
    page = page_from_text(
        Path("page.txt"), "<!DOCTYPE html><html><body><p>Bonjour</p></body></html>"
    )
    assert page.kind == "html" and page.text == "Bonjour"


def test_a_page_that_is_not_utf8_says_so(tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes("Première ligne\nQuel rôle ?\n".encode("latin-1"))
    with pytest.raises(SourceError, match=r"page\.txt:1: file is not UTF-8"):
        read_page(path)
