"""A raw web page as published -> its text, cut into paragraphs with character offsets.

Rows built from a page point back into it by offsets, so "the page's text" must be
one well-defined string:

- `page.txt` (text copied from a browser): the file's decoded text, untouched. Every
  non-blank line is a paragraph, since browsers copy paragraphs as single lines; two
  lines are one paragraph only when the first was evidently hard-wrapped (it ends
  without punctuation and the next begins in lower case).
- `page.html` (a saved web page): the text a reader sees, extracted by `html_text`:
  one line per block (paragraph, heading, list item, `<br>`), whitespace collapsed as
  a browser renders it, entities decoded, non-breaking spaces read as spaces (as a
  browser copies them). Page furniture is left out: scripts, styles, navigation,
  headers, footers, asides, forms, menus, sharing and comment blocks.

A paragraph's `text` is always `page.text[start:end]`, stripped of surrounding blanks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ...text.yamlio import read_text
from .html_text import html_text

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
LOOKS_LIKE_HTML = re.compile(
    r"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S
)
BLANKS = " \t\r\f\v\ufeff\xa0"
# A line that ends a sentence or stands alone (a list item, a name) is not hard-wrapped.
ENDS_CLAUSE = re.compile(r"[.!?…:;,»\"”)\]]\s*$")
STARTS_LOWER = re.compile(r"^[a-zà-öø-ÿœæ(«\"“]")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: `text == page.text[start:end]`; `line` is its line in the file."""

    start: int
    end: int
    text: str
    line: int
    emphasized: bool = False  # all in bold, italics or a heading (HTML only)
    heading: int = 0  # 1..6 for <h1>..<h6> (HTML only)
    list_item: bool = False  # inside <li> (HTML only)


@dataclass(frozen=True)
class Page:
    """A page's text, its paragraphs, and what its markup says about it."""

    path: Path
    kind: str  # "text" or "html"
    text: str
    paragraphs: tuple[Paragraph, ...]
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD from the HTML's metadata, if any
    published_evidence: str | None = None  # where that date was read
    url: str | None = None  # the canonical address the HTML declares, if any

    def line_of(self, offset: int) -> int:
        """The file's line for a character offset of `text` (for error messages)."""
        line = 1
        for paragraph in self.paragraphs:
            if paragraph.start > offset:
                break
            line = paragraph.line
        return line


def is_html(path: Path, text: str) -> bool:
    return path.suffix.lower() in HTML_SUFFIXES or bool(LOOKS_LIKE_HTML.match(text[:2000]))


def read_page(path: Path) -> Page:
    """Read a page file (UTF-8, else SourceError) and cut it into paragraphs."""
    return page_from_text(path, read_text(path))


def page_from_text(path: Path, raw: str) -> Page:
    if not is_html(path, raw):
        return Page(path, "text", raw, tuple(text_paragraphs(raw)))
    extracted = html_text(raw)
    paragraphs = tuple(
        Paragraph(b.start, b.end, extracted.text[b.start : b.end], b.line, *b.flags)
        for b in extracted.blocks
    )
    return Page(
        path,
        "html",
        extracted.text,
        paragraphs,
        extracted.title,
        extracted.published,
        extracted.published_evidence,
        extracted.url,
    )


def text_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs of a plain-text page: non-blank lines, re-joined where hard-wrapped."""
    lines = []  # (start, end, line number) of each non-blank line, blanks stripped
    position = 0
    for number, line in enumerate(text.split("\n"), start=1):
        body = line.strip(BLANKS)
        if body:
            start = position + len(line) - len(line.lstrip(BLANKS))
            lines.append((start, start + len(body), number))
        position += len(line) + 1
    paragraphs: list[Paragraph] = []
    previous_number = None
    for start, end, number in lines:
        follows = previous_number == number - 1
        if paragraphs and follows and is_wrapped(paragraphs[-1].text, text[start:end]):
            first = paragraphs.pop()
            paragraphs.append(Paragraph(first.start, end, text[first.start : end], first.line))
        else:
            paragraphs.append(Paragraph(start, end, text[start:end], number))
        previous_number = number
    return paragraphs


def is_wrapped(line: str, following: str) -> bool:
    """True when `line` was evidently cut by a hard wrap and `following` continues it."""
    return not ENDS_CLAUSE.search(line) and bool(STARTS_LOWER.match(following))
