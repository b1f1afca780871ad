"""Strict YAML reading for hand-written sources: every mapping knows its line.

People write `sources/`; when they make a typo the error must point at the file and
line. PyYAML keeps positions on nodes only, so the loader below copies them onto the
dictionaries it builds.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from ..errors import SourceError


class LocatedDict(dict):
    """A mapping read from YAML, with the 1-based line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _LocatingLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LocatingLoader, node: yaml.MappingNode) -> LocatedDict:
    mapping = LocatedDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_timestamp_as_text(loader: _LocatingLoader, node: yaml.ScalarNode) -> str:
    # Dates stay text so one parser (with a clear error) handles every date precision.
    return loader.construct_scalar(node)


_LocatingLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LocatingLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)


def read_text(path: Path) -> str:
    """Read a UTF-8 source file, saying so plainly when it is not UTF-8."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"file is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-save it as UTF-8",
            path,
            line,
        ) from exc


def load_yaml(path: Path) -> Any:
    """Parse one YAML file; syntax errors become a SourceError at the right line."""
    text = read_text(path)
    try:
        return yaml.load(text, Loader=_LocatingLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise SourceError(f"malformed YAML: {exc.problem or exc}", path, line) from exc
    except yaml.YAMLError as exc:
        raise SourceError(f"malformed YAML: {exc}", path) from exc


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' suffix, or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_keys(
    mapping: Any,
    path: Path,
    required: Iterable[str],
    optional: Iterable[str] = (),
    what: str = "entry",
) -> LocatedDict:
    """Reject a mapping with a missing key or a key the format does not know (a typo)."""
    line = getattr(mapping, "line", None)
    if not isinstance(mapping, dict):
        raise SourceError(
            f"expected a mapping for this {what}, got {type(mapping).__name__}", path, line
        )
    required = list(required)
    known = set(required) | set(optional)
    for key in mapping:
        if key not in known:
            raise SourceError(
                f"unknown key {key!r} in {what}{did_you_mean(str(key), known)}",
                path,
                mapping.line_of(key) if isinstance(mapping, LocatedDict) else line,
            )
    for key in required:
        if key not in mapping:
            raise SourceError(f"missing key {key!r} in {what}", path, line)
    return mapping


def required_text(mapping: LocatedDict, key: str, path: Path) -> str:
    """The non-empty text under `key`, or a SourceError at its line."""
    value = mapping.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SourceError(f"{key} must be non-empty text", path, mapping.line_of(key))
    return value


def optional_text(mapping: LocatedDict, key: str, path: Path) -> str | None:
    """Like required_text, but an absent or null value is None."""
    return None if mapping.get(key) is None else required_text(mapping, key, path)
