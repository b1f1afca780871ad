"""The text a reader sees in a saved web page, one line per block, without the furniture.

Built on the standard library's `html.parser`, which tolerates real-world markup but
builds no tree: `_TreeBuilder` makes a small one (closing `<p>` and `<li>` where
browsers do), so furniture can be judged by how much of the page it holds before it
is dropped. That matters: ASP.NET pages wrap everything in a `<form>`, WordPress
themes put words like "sidebar" on the wrapper of the whole article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
    "param", "source", "track", "wbr",
}  # fmt: skip
# Never text a reader reads as the page's content.
ALWAYS_DROPPED = {
    "script", "style", "noscript", "template", "svg", "head", "iframe", "object",
    "button", "select", "textarea", "canvas", "video", "audio", "picture", "map",
}  # fmt: skip
# Furniture by element, and by class or id below.
FURNITURE_TAGS = {"nav", "header", "footer", "aside", "form", "menu", "dialog"}
FURNITURE_WORDS = re.compile(
    r"(?:^|[-_])(?:menu|menus|nav|navbar|navigation|sidebar|widget|widgets|footer|"
    r"cookie|cookies|consent|gdpr|breadcrumb|breadcrumbs|share|sharedaddy|sharing|social|"
    r"comment|comments|respond|related|meta|byline|skip|screen-reader-text|sr-only|"
    r"select_page|mobile_nav|search|searchform|pagination|author-box|newsletter-form|"
    r"popup|modal|banner|toolbar|subscribe)(?:[-_]|$)",
    re.I,
)
# An element holding this share of the page's text is its content, whatever its name.
CONTENT_SHARE = 0.5
BLOCK = {
    "address", "article", "blockquote", "body", "center", "dd", "details", "div", "dl",
    "dt", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "html", "li",
    "main", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul", "caption", "fieldset", "legend", "hgroup",
}  # fmt: skip
EMPHASIS = {"strong", "b", "em", "i"}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Start tags that close an open <p>, as browsers do.
CLOSES_P = BLOCK - {"body", "html", "td", "th", "tr", "tbody", "thead", "tfoot"}
SPACES = re.compile(r"[ \t\n\r\f\xa0]+")
DATE_META = ("article:published_time", "datepublished", "dc.date", "dcterms.date", "date")
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
LD_DATE = re.compile(r'"datePublished"\s*:\s*"(\d{4}-\d{2}-\d{2})')


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list = field(default_factory=list)  # Node or (text, line)
    parent: Node | None = None
    size: int = 0  # characters of text below, filled by `measure`


@dataclass(frozen=True)
class Block:
    """One line of the extracted text: `text[start:end]`, from `line` of the HTML file."""

    start: int
    end: int
    line: int
    flags: tuple[bool, int, bool]  # emphasized, heading level, list item


@dataclass(frozen=True)
class HtmlText:
    text: str
    blocks: tuple[Block, ...]
    title: str | None
    published: str | None
    published_evidence: str | None
    url: str | None = None


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, 1)
        self.stack = [self.root]
        self.meta: dict[str, str] = {}
        self.title_parts: list[str] = []
        self.ld_json: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = {k.lower(): (v or "") for k, v in attrs}
        if tag == "link" and "canonical" in attributes.get("rel", "").lower().split():
            self.meta.setdefault("canonical", attributes.get("href", ""))
        if tag == "meta":
            name = (attributes.get("property") or attributes.get("name") or "").lower()
            name = name or (attributes.get("itemprop") or "").lower()
            if name and "content" in attributes:
                self.meta.setdefault(name, attributes["content"])
        if tag in CLOSES_P and self._open("p"):
            self._close("p")
        if tag == "li" and self._open("li", stop={"ul", "ol"}):
            self._close("li")
        if tag in ("dt", "dd") and self._open_any(("dt", "dd"), stop={"dl"}):
            self._close_any(("dt", "dd"))
        if tag in ("td", "th") and self._open_any(("td", "th"), stop={"tr", "table"}):
            self._close_any(("td", "th"))
        if tag == "tr" and self._open("tr", stop={"table"}):
            self._close("tr")
        node = Node(tag, attributes, self.getpos()[0], parent=self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and not self._open("p"):
            # A stray </p> is an empty paragraph to a browser: a line break here.
            self.stack[-1].children.append(Node("br", {}, self.getpos()[0]))
            return
        if self._open(tag):
            self._close(tag)

    def handle_data(self, data: str) -> None:
        current = self.stack[-1]
        if current.tag == "title":
            self.title_parts.append(data)
        if current.tag == "script" and "ld+json" in current.attrs.get("type", ""):
            self.ld_json.append(data)
        current.children.append((data, self.getpos()[0]))

    def _open(self, tag: str, stop: set[str] = frozenset()) -> bool:
        return self._open_any((tag,), stop)

    def _open_any(self, tags: tuple[str, ...], stop: set[str] = frozenset()) -> bool:
        for node in reversed(self.stack[1:]):
            if node.tag in tags:
                return True
            if node.tag in stop:
                return False
        return False

    def _close(self, tag: str) -> None:
        self._close_any((tag,))

    def _close_any(self, tags: tuple[str, ...]) -> None:
        while len(self.stack) > 1:
            if self.stack.pop().tag in tags:
                return


def html_text(markup: str) -> HtmlText:
    """The page's visible content as text, its blocks, title and publication date."""
    builder = _TreeBuilder()
    builder.feed(markup)
    builder.close()
    root = builder.root
    measure(root)
    drop_furniture(root, root.size)
    measure(root)
    content = content_root(root)
    writer = _Writer()
    writer.walk(content, emphasized=False, heading=0, list_item=False, pre=False)
    text, blocks = writer.finish()
    title = first_heading(content) or first_heading(root) or meta_title(builder)
    published, evidence = publication_date(builder, root)
    url = builder.meta.get("canonical") or builder.meta.get("og:url") or None
    return HtmlText(text, tuple(blocks), title, published, evidence, url)


def measure(node: Node) -> int:
    size = 0
    for child in node.children:
        if isinstance(child, Node):
            size += 0 if child.tag in ALWAYS_DROPPED else measure(child)
        else:
            size += len(child[0].strip())
    node.size = size
    return size


def is_furniture(node: Node) -> bool:
    if node.tag in FURNITURE_TAGS:
        return True
    if node.tag in ("html", "body", "main", "article"):
        return False
    names = node.attrs.get("class", "").split() + node.attrs.get("id", "").split()
    if node.attrs.get("role", "").lower() in ("navigation", "banner", "contentinfo", "search"):
        return True
    if node.attrs.get("aria-hidden") == "true" or "hidden" in node.attrs:
        return True
    return any(FURNITURE_WORDS.search(name) for name in names)


def drop_furniture(node: Node, total: int) -> None:
    kept = []
    for child in node.children:
        if isinstance(child, Node):
            if child.tag in ALWAYS_DROPPED:
                continue
            if is_furniture(child) and child.size < CONTENT_SHARE * total:
                continue
            drop_furniture(child, total)
        kept.append(child)
    node.children = kept


def content_root(root: Node) -> Node:
    """The article when the page has one holding most of its text; else the whole page."""
    for tag in ("article", "main"):
        candidates = [n for n in walk_nodes(root) if n.tag == tag]
        if candidates:
            best = max(candidates, key=lambda n: n.size)
            if best.size >= CONTENT_SHARE * root.size:
                return best
    return root


def walk_nodes(node: Node):
    for child in node.children:
        if isinstance(child, Node):
            yield child
            yield from walk_nodes(child)


def node_text(node: Node) -> str:
    parts = []
    for child in node.children:
        if isinstance(child, Node):
            if child.tag not in ALWAYS_DROPPED:
                parts.append(node_text(child))
        else:
            parts.append(child[0])
    return SPACES.sub(" ", " ".join(parts)).strip()


def first_heading(root: Node) -> str | None:
    for node in walk_nodes(root):
        if node.tag == "h1":
            return node_text(node) or None
    return None


def meta_title(builder: _TreeBuilder) -> str | None:
    title = builder.meta.get("og:title") or SPACES.sub(" ", "".join(builder.title_parts)).strip()
    return title or None


def publication_date(builder: _TreeBuilder, root: Node) -> tuple[str | None, str | None]:
    """A YYYY-MM-DD the page's own metadata gives, and where it was read; else None."""
    for name in DATE_META:
        match = ISO_DATE.match(builder.meta.get(name, ""))
        if match:
            return match.group(0), f"<meta {name}>"
    for data in builder.ld_json:
        match = LD_DATE.search(data)
        if match:
            return match.group(1), "JSON-LD datePublished"
    for node in walk_nodes(root):
        if node.tag == "time":
            match = ISO_DATE.match(node.attrs.get("datetime", ""))
            if match:
                return match.group(0), "<time datetime>"
    return None, None


class _Writer:
    """Walks the tree, collecting lines of (text, emphasized?) chunks."""

    def __init__(self) -> None:
        self.lines: list[list[tuple[str, bool, int, bool, int]]] = [[]]

    def breakline(self) -> None:
        if self.lines[-1]:
            self.lines.append([])

    def walk(self, node: Node, emphasized: bool, heading: int, list_item: bool, pre: bool):
        for child in node.children:
            if isinstance(child, tuple):
                data, line = child
                text = data if pre else SPACES.sub(" ", data)
                if pre:
                    for number, piece in enumerate(text.split("\n")):
                        if number:
                            self.breakline()
                        self.lines[-1].append((piece, emphasized, heading, list_item, line))
                elif text:
                    self.lines[-1].append((text, emphasized, heading, list_item, line))
                continue
            if child.tag == "br":
                self.breakline()
                continue
            block = child.tag in BLOCK
            if block:
                self.breakline()
            self.walk(
                child,
                emphasized or child.tag in EMPHASIS or child.tag in HEADINGS,
                HEADINGS.get(child.tag, heading),
                list_item or child.tag == "li",
                pre or child.tag == "pre",
            )
            if block:
                self.breakline()

    def finish(self) -> tuple[str, list[Block]]:
        parts: list[str] = []
        blocks: list[Block] = []
        offset = 0
        for chunks in self.lines:
            for line_text, spans, first_line in assemble(chunks):
                for start, end, flags in split_inline_question(line_text, spans):
                    blocks.append(Block(offset + start, offset + end, first_line, flags))
                parts.append(line_text)
                offset += len(line_text) + 1
        return "\n".join(parts), blocks


def assemble(chunks: list) -> list[tuple[str, list, int]]:
    """One line's text from its chunks, spaces collapsed across tags, and each chunk's span."""
    text = ""
    spans = []  # (start, end, emphasized, heading, list_item, blank)
    for piece, emphasized, heading, list_item, _ in chunks:
        if text.endswith(" ") or not text:
            piece = piece.lstrip(" ")
        if not piece:
            continue
        blank = not piece.strip()
        spans.append((len(text), len(text) + len(piece), emphasized, heading, list_item, blank))
        text += piece
    stripped = text.strip(" ")
    if not stripped:
        return []
    shift = len(text) - len(text.lstrip(" "))
    spans = [
        (max(s - shift, 0), min(e - shift, len(stripped)), *rest)
        for s, e, *rest in spans
        if min(e - shift, len(stripped)) > max(s - shift, 0)
    ]
    return [(stripped, spans, chunks[0][4])]


def flags_of(spans: list) -> tuple[bool, int, bool]:
    visible = [s for s in spans if s[1] > s[0] and not s[5]]
    emphasized = bool(visible) and all(s[2] for s in visible)
    headings = {s[3] for s in visible}
    heading = headings.pop() if len(headings) == 1 else 0
    return emphasized, heading, any(s[4] for s in visible)


def split_inline_question(text: str, spans: list) -> list[tuple[int, int, tuple]]:
    """`<p><b>Question ?</b> Answer…</p>`: two paragraphs, as a reader sees them."""
    emphasized_end = 0
    for _, end, emphasized, _, _, blank in spans:
        if blank:
            continue
        if not emphasized:
            break
        emphasized_end = end
    lead = text[:emphasized_end].rstrip()
    rest_start = len(text) - len(text[emphasized_end:].lstrip())
    if lead.endswith("?") and emphasized_end and rest_start < len(text):
        head = [s for s in spans if s[0] < emphasized_end]
        tail = [s for s in spans if s[1] > emphasized_end]
        return [(0, len(lead), flags_of(head)), (rest_start, len(text), flags_of(tail))]
    return [(0, len(text), flags_of(spans))]
