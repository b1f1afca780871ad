"""The controlled vocabulary of themes (sources/themes.yaml) and its matching.

Each theme lists the French expressions that signal it. Detection is deterministic:
a theme is found where one of its expressions occurs as whole words, ignoring case
and accents ("Cybersécurité" matches "cybersecurite"), and apostrophes, hyphens and
spaces in an expression match one another ("smart city" matches "smart-city").
Nothing else is inferred: an expression absent from the vocabulary finds nothing.

    - id: open-data                   # a readable slug, stable
      label_fr: Données ouvertes (open data)
      label_en: Open data
      definition: >-                  # French, in our own words
        Mise à disposition libre …
      expressions: [open data, données ouvertes]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError
from ..text.fields import SLUG, text_list
from ..text.normalize import fold, fold_with_offsets
from ..text.yamlio import check_keys, did_you_mean, load_yaml

THEME_KEYS = ("id", "label_fr", "label_en", "definition", "expressions")
JOINERS = re.compile(r"[\s'\-]+")  # match one another in an expression
EXPRESSION_SEPARATOR = " | "  # between a theme's expressions in its table row


@dataclass(frozen=True)
class Theme:
    theme_id: str
    label_fr: str
    label_en: str
    definition: str
    expressions: tuple[str, ...]
    line: int = 0


@dataclass(frozen=True)
class ThemeMatch:
    """A theme found in a text: the expression as the vocabulary writes it, and where."""

    theme_id: str
    expression: str
    start: int  # offsets in the text given to `detect_themes`
    end: int
    matched_text: str  # the text as written at that place


def editorial_theme_ids(entry, path: Path, known: Iterable[str]) -> list[str]:
    """The theme ids an editor listed under `themes`, each one known to the vocabulary."""
    theme_ids = []
    for theme_id, line in text_list(entry, "themes", path, "theme ids"):
        if theme_id not in known:
            raise SourceError(
                f"unknown theme {theme_id!r}{did_you_mean(str(theme_id), known)}; "
                "themes are defined in sources/themes.yaml",
                path,
                line,
            )
        theme_ids.append(theme_id)
    return theme_ids


def load_themes(path: Path) -> dict[str, Theme]:
    """The vocabulary, in file order; every bad entry is a SourceError at its line."""
    entries = load_yaml(path)
    if not isinstance(entries, list) or not entries:
        raise SourceError("expected a list of themes (- id: ...)", path, 1)
    themes: dict[str, Theme] = {}
    owners: dict[str, str] = {}  # folded expression -> theme id
    for entry in entries:
        check_keys(entry, path, THEME_KEYS, what="theme")
        theme_id = entry["id"]
        if not isinstance(theme_id, str) or not SLUG.match(theme_id):
            raise SourceError(
                f"theme id {theme_id!r} is not a slug (lower-case words joined by '-')",
                path,
                entry.line_of("id"),
            )
        if theme_id in themes:
            raise SourceError(
                f"duplicate theme id {theme_id!r} (first at line {themes[theme_id].line})",
                path,
                entry.line_of("id"),
            )
        for key in ("label_fr", "label_en", "definition"):
            if not isinstance(entry[key], str) or not entry[key].strip():
                raise SourceError(f"{key} must be a non-empty text", path, entry.line_of(key))
        expressions = read_expressions(entry, path, theme_id, owners)
        themes[theme_id] = Theme(
            theme_id,
            entry["label_fr"].strip(),
            entry["label_en"].strip(),
            " ".join(entry["definition"].split()),
            expressions,
            entry.line,
        )
    return themes


def read_expressions(entry, path: Path, theme_id: str, owners: dict[str, str]) -> tuple:
    line = entry.line_of("expressions")
    expressions = entry["expressions"]
    if not isinstance(expressions, list) or not expressions:
        raise SourceError("expressions must be a non-empty list of texts", path, line)
    for expression in expressions:
        if not isinstance(expression, str) or not fold(expression).strip():
            raise SourceError(f"expression {expression!r} must be a text", path, line)
        if "|" in expression:
            raise SourceError(f"expression {expression!r} must not contain '|'", path, line)
        key = normal_expression(expression)
        if key in owners:
            raise SourceError(
                f"expression {expression!r} already signals theme {owners[key]!r}: "
                "an expression belongs to one theme",
                path,
                line,
            )
        owners[key] = theme_id
    return tuple(expressions)


def normal_expression(expression: str) -> str:
    return JOINERS.sub(" ", fold(expression)).strip()


@functools.lru_cache(maxsize=512)
def expression_pattern(expression: str) -> re.Pattern:
    words = normal_expression(expression).split(" ")
    body = r"[\s'\-]+".join(re.escape(word) for word in words)
    return re.compile(rf"(?<![\w]){body}(?![\w])")


def detect_themes(text: str, themes: dict[str, Theme] | Iterable[Theme]) -> list[ThemeMatch]:
    """Each theme whose expressions occur in `text`, at its first occurrence.

    Sorted by offset, then theme id. At one place, the longest expression wins.
    """
    vocabulary = themes.values() if isinstance(themes, dict) else themes
    folded, origin = fold_with_offsets(text)
    found = []
    for theme in vocabulary:
        best = None
        for expression in theme.expressions:
            match = expression_pattern(expression).search(folded)
            if match is None:
                continue
            key = (match.start(), -(match.end() - match.start()))
            if best is None or key < best[0]:
                best = (key, expression, match)
        if best is not None:
            _, expression, match = best
            start = origin[match.start()]
            end = origin[match.end() - 1] + 1
            found.append(ThemeMatch(theme.theme_id, expression, start, end, text[start:end]))
    return sorted(found, key=lambda m: (m.start, m.theme_id))


def theme_rows(themes: dict[str, Theme]) -> list[dict]:
    """Rows of the `themes` table."""
    return [
        {
            "theme_id": theme.theme_id,
            "label_fr": theme.label_fr,
            "label_en": theme.label_en,
            "definition": theme.definition,
            "expressions": EXPRESSION_SEPARATOR.join(theme.expressions),
        }
        for theme in themes.values()
    ]
