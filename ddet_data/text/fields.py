"""Typed readers of hand-written YAML fields: one meaning per name, errors at the field's line.

Every source loader reads its fields through these, so `optional_text` means the same
thing everywhere (absent or null is None; anything else must be non-empty text, kept as
written) and a URL is checked the same way in issues, interviews and OPSN facts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import SourceError
from .yamlio import did_you_mean

# Stable ids: lower-case ASCII words joined by '-' (themes, people, organizations, interviews).
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_JUNK = re.compile(r"[^a-z0-9]+")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


def line_of(mapping: Any, key: str) -> int | None:
    finder = getattr(mapping, "line_of", None)
    return finder(key) if finder else getattr(mapping, "line", None)


def required_text(mapping: Any, key: str, path: Path) -> str:
    """The non-empty text under `key`, as written, or a SourceError at its line."""
    value = mapping.get(key)
    if not isinstance(value, str) or not value.strip():
        shown = "" if value is None else f", not {value!r}"
        raise SourceError(f"{key} must be non-empty text{shown}", path, line_of(mapping, key))
    return value


def optional_text(mapping: Any, key: str, path: Path) -> str | None:
    """Like required_text, but an absent or null value is None."""
    return None if mapping.get(key) is None else required_text(mapping, key, path)


def required_url(mapping: Any, key: str, path: Path) -> str:
    """An http(s) address; a missing scheme gets the fix spelled out."""
    value = mapping.get(key)
    line = line_of(mapping, key)
    if isinstance(value, str) and URL.match(value):
        return value
    if isinstance(value, str) and re.match(r"^[\w-]+(\.[\w-]+)+(/\S*)?$", value):
        raise SourceError(f"{key} {value!r} has no scheme: write 'https://{value}'", path, line)
    raise SourceError(f"{key} {value!r} is not an http(s) address", path, line)


def optional_url(mapping: Any, key: str, path: Path) -> str | None:
    return None if mapping.get(key) is None else required_url(mapping, key, path)


def slug(mapping: Any, key: str, path: Path, what: str) -> str:
    value = mapping.get(key)
    if not isinstance(value, str) or not SLUG.match(value):
        raise SourceError(
            f"{what} {value!r} is not a slug (lower-case words joined by '-')",
            path,
            line_of(mapping, key),
        )
    return value


def slugify(folded: str) -> str:
    """A slug from text already folded to lower-case ASCII (see text.normalize.fold)."""
    return SLUG_JUNK.sub("-", folded).strip("-")


def choice(mapping: Any, key: str, allowed: Iterable[str], path: Path) -> str:
    value = mapping.get(key)
    allowed = tuple(allowed)
    if value not in allowed:
        raise SourceError(
            f"{key} {value!r} is not one of {', '.join(allowed)}"
            f"{did_you_mean(str(value), allowed)}",
            path,
            line_of(mapping, key),
        )
    return value


def optional_choice(mapping: Any, key: str, allowed: Iterable[str], path: Path) -> str | None:
    return None if mapping.get(key) is None else choice(mapping, key, allowed, path)


def positive_int(mapping: Any, key: str, path: Path) -> int:
    value = mapping.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        hint = (
            " (write it without leading zeros)"
            if isinstance(value, str) and value.isdigit()
            else ""
        )
        raise SourceError(
            f"{key} must be a positive whole number, not {value!r}{hint}",
            path,
            line_of(mapping, key),
        )
    return value


def text_list(mapping: Any, key: str, path: Path, what: str) -> list[tuple[str, int]]:
    """A list of distinct texts (e.g. theme ids), each with its line; a repeat is an error."""
    values = mapping.get(key) or []
    line = line_of(mapping, key)
    if not isinstance(values, list):
        raise SourceError(f"{key} must be a list of {what}", path, line)
    lines = getattr(values, "lines", [line] * len(values))
    seen: dict[str, int] = {}
    found = []
    for value, at in zip(values, lines, strict=True):
        if not isinstance(value, str):
            raise SourceError(f"{key}: {value!r} is not one of the {what}", path, at)
        if value in seen:
            raise SourceError(f"{key}: {value!r} is listed twice", path, at)
        seen[value] = at
        found.append((value, at))
    return found
