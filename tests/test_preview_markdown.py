"""Descriptions rendered as data.gouv.fr renders them.

The expected HTML is what cdata's own pipeline (remark-gfm, remark-breaks, remark-behead
with minDepth 3, rehype-sanitize, at the versions of its lock file) printed for the same
inputs; where this renderer writes the same element differently (the class of a heading
turned into a <div>, attribute order of a checkbox) the test says so.
"""

from __future__ import annotations

import pytest

from ddet_data.datagouv.preview.markdown import render_markdown


def test_the_smallest_heading_lands_on_level_3_and_headings_become_blocks():
    text = "# Titre\n\n## Sous-titre\n\n#### Profond"
    assert render_markdown(text, headings=True) == (
        "<h3>Titre</h3>\n<h4>Sous-titre</h4>\n<h6>Profond</h6>\n"
    )
    # On the dataset page they are bold blocks, sized by their demoted level.
    assert render_markdown(text) == (
        '<div class="titre titre-3">Titre</div>\n'
        '<div class="titre titre-4">Sous-titre</div>\n'
        '<div class="titre titre-6">Profond</div>\n'
    )


def test_a_document_starting_at_level_3_is_not_shifted():
    assert render_markdown("### Déjà h3\n\n#### h4", headings=True) == (
        "<h3>Déjà h3</h3>\n<h4>h4</h4>\n"
    )


def test_deep_headings_stop_at_level_6():
    assert render_markdown("# Un\n\n###### Six", headings=True) == "<h3>Un</h3>\n<h6>Six</h6>\n"


def test_a_single_newline_is_a_line_break():
    assert render_markdown("ligne 1\nligne 2\n\nparagraphe") == (
        "<p>ligne 1<br>\nligne 2</p>\n<p>paragraphe</p>\n"
    )


def test_github_flavoured_tables_strikethrough_autolinks_and_task_lists():
    text = (
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~barré~~ https://data.gouv.fr\n\n"
        "- [x] fait\n- [ ] à faire"
    )
    assert render_markdown(text) == (
        "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n"
        "<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>\n"
        '<p><del>barré</del> <a href="https://data.gouv.fr">https://data.gouv.fr</a></p>\n'
        '<ul class="contains-task-list">\n'
        # cdata: <input type="checkbox" checked disabled>, the same element.
        '<li class="task-list-item"><input checked="checked" disabled="disabled" '
        'type="checkbox"> fait</li>\n'
        '<li class="task-list-item"><input disabled="disabled" type="checkbox"> à faire</li>\n'
        "</ul>\n"
    )


def test_column_alignment_is_kept():
    html = render_markdown("| a |\n|--:|\n| 1 |")
    assert '<th style="text-align:right">a</th>' in html


def test_raw_html_is_sanitized_as_github_does():
    text = (
        'Hello <img src="x" onerror="alert(1)"> <b class="x" style="color:red">gras</b> '
        '<a href="javascript:alert(1)">js</a> <script>alert(1)</script>'
        '<iframe src="https://example.com"></iframe> <u>souligné</u>'
    )
    assert render_markdown(text) == ('<p>Hello <img src="x"> <b>gras</b> <a>js</a>  souligné</p>\n')


@pytest.mark.parametrize(
    "href", ["https://a.fr/", "http://a.fr/", "mailto:a@b.fr", "irc://irc.a.fr/x"]
)
def test_allowed_link_protocols(href):
    assert f'href="{href}"' in render_markdown(f"[x]({href})")


def test_code_keeps_only_its_language_and_mermaid_is_not_drawn():
    assert render_markdown("```python\nprint(1)\n```") == (
        '<pre><code class="language-python">print(1)\n</code></pre>\n'
    )
    assert render_markdown("```mermaid\ngraph TD; A-->B\n```") == (
        '<pre><code class="language-mermaid">graph TD; A--&gt;B\n</code></pre>\n'
    )
    assert 'class="hljs' not in render_markdown('<code class="hljs x">y</code>')


def test_images_keep_source_alt_and_title():
    assert render_markdown('![alt](https://example.com/i.png "t")') == (
        '<p><img src="https://example.com/i.png" alt="alt" title="t"></p>\n'
    )


def test_footnotes_link_to_their_note():
    html = render_markdown("Texte[^1]\n\n[^1]: Note")
    assert '<a href="#fn1" id="fnref1">' in html and '<li id="fn1">' in html
