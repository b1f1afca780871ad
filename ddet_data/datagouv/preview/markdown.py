"""Markdown to HTML as data.gouv.fr's front end (cdata) renders a description.

cdata runs remark with GitHub-flavoured Markdown and remark-breaks (a single newline is a
line break), demotes headings so that the document's smallest one lands on level 3
(remark-behead, minDepth 3: the whole document shifts, it is not a fixed offset), parses
raw HTML then sanitizes it with GitHub's allow-list, and draws no Mermaid (a `mermaid`
fence stays a code block). On the dataset page the headings then become bold `<div>`s.
Here markdown-it-py (with mdit-py-plugins) renders and nh3 sanitizes.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

MIN_HEADING = 3

# GitHub's sanitizing schema (hast-util-sanitize's default, which rehype-sanitize applies),
# as far as these pages need it.
TAGS = {
    "a", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "li", "ol",
    "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "strike", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "ul", "var",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title", "id"},  # ids: footnote references and their targets
    "img": {"src", "alt", "title", "width", "height"},
    "input": {"type", "checked", "disabled"},
    "th": {"align", "colspan", "rowspan", "style"},
    "td": {"align", "colspan", "rowspan", "style"},
    "code": {"class"},
    "ul": {"class"},
    "li": {"class", "id"},
    "ol": {"start"},
    "section": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto", "xmpp", "irc", "ircs"}
# Code keeps only its language; task lists keep the classes GitHub gives them.
CLASSES = {
    "code": None,  # filled by language-* below
    "ul": {"contains-task-list"},
    "li": {"task-list-item"},
    "section": {"footnotes"},
}
# The class a heading gets once it is a <div>, by its (demoted) level: sizes as cdata's.
HEADING_CLASSES = {
    1: "titre titre-1",
    2: "titre titre-2",
    3: "titre titre-3",
    4: "titre titre-4",
    5: "titre titre-5",
    6: "titre titre-6",
}
HEADING = re.compile(r"<(/?)h([1-6])>")
LANGUAGE = re.compile(r'class="language-[\w+-]+"')


def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"breaks": True, "html": True, "linkify": True})
    md.enable(["table", "strikethrough", "linkify"])
    md.use(tasklists_plugin, enabled=False)
    md.use(footnote_plugin)
    # GitHub writes ~~text~~ as <del>, markdown-it as <s>.
    md.add_render_rule("s_open", lambda *_: "<del>")
    md.add_render_rule("s_close", lambda *_: "</del>")
    return md


PARSER = parser()


def demote_headings(tokens, min_depth: int = MIN_HEADING) -> None:
    """remark-behead's rule: shift every heading so that the smallest lands on `min_depth`."""
    levels = [int(t.tag[1]) for t in tokens if t.type in ("heading_open", "heading_close")]
    if not levels:
        return
    shift = max(0, min_depth - min(levels))
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"


def keep_attribute(tag: str, name: str, value: str) -> str | None:
    """GitHub's schema keeps few classes; `style` only as a table cell's alignment."""
    if name == "class":
        if tag == "code":
            return value if LANGUAGE.fullmatch(f'class="{value}"') else None
        allowed = CLASSES.get(tag) or set()
        kept = [c for c in value.split() if c in allowed]
        return " ".join(kept) or None
    if name == "style":
        return value if re.fullmatch(r"text-align:(left|right|center)", value) else None
    if name == "type" and tag == "input":
        return value if value == "checkbox" else None
    return value


# Built once: the same rules for every text.
SANITIZER = nh3.Cleaner(
    tags=TAGS,
    attributes=ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel=None,
    attribute_filter=keep_attribute,
)


def render_markdown(text: str, *, headings: bool = False) -> str:
    """Sanitized HTML for `text`. Headings become bold `<div>`s unless `headings` is true
    (the dataset page shows none; resource descriptions keep `<h3>` and below)."""
    tokens = PARSER.parse(text or "")
    demote_headings(tokens)
    html = PARSER.renderer.render(tokens, PARSER.options, {})
    clean = SANITIZER.clean(html)
    if headings:
        return clean

    def to_div(match: re.Match) -> str:
        if match.group(1):
            return "</div>"
        return f'<div class="{HEADING_CLASSES[int(match.group(2))]}">'

    return HEADING.sub(to_div, clean)
