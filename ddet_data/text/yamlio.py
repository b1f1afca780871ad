"""Strict YAML reading for hand-written sources: every mapping knows its line.

People write `sources/`; when they make a typo the error must point at the file and
line. PyYAML keeps positions on nodes only, so the loader below copies them onto the
dictionaries it builds.
"""

from __future__ import annotations

import difflib
import re
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


class LocatedList(list):
    """A sequence read from YAML, with the 1-based line of itself and of each item."""

    line: int = 0
    lines: list[int]


BOOL_TAG, INT_TAG, FLOAT_TAG = (f"tag:yaml.org,2002:{t}" for t in ("bool", "int", "float"))


class _LocatingLoader(yaml.SafeLoader):
    # YAML 1.2's core schema for plain scalars instead of PyYAML's YAML 1.1: only
    # true/false are booleans (not yes/no/on/off), no octal (01053 was read as 555), no
    # sexagesimal (1:20 was 80). A number with a leading zero stays the text as written,
    # since in these files it is always a code (commune 01053, département 06).
    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in (BOOL_TAG, INT_TAG, FLOAT_TAG)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


_LocatingLoader.add_implicit_resolver(
    BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_LocatingLoader.add_implicit_resolver(
    INT_TAG, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_LocatingLoader.add_implicit_resolver(
    FLOAT_TAG,
    re.compile(
        r"^(?:[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)"
        r"|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


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


def _construct_sequence(loader: _LocatingLoader, node: yaml.SequenceNode) -> LocatedList:
    sequence = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    sequence.line = node.start_mark.line + 1
    sequence.lines = [child.start_mark.line + 1 for child in node.value]
    return sequence


def _construct_text(loader: _LocatingLoader, node: yaml.ScalarNode) -> str:
    value = loader.construct_scalar(node)
    mark = node.end_mark
    if node.style is None and mark.buffer is not None:
        # ' #' starts a comment in YAML: in `title: Le #numérique` the title is 'Le'.
        # A comment is written '  # note'; a '#' glued to a word (#numérique, #12) is
        # text that YAML cut off.
        rest = mark.buffer[mark.pointer :].split("\n", 1)[0]
        if re.match(r"^[ \t]+#[^\s#]", rest):
            raise CutValue(value, mark)
    return value


def _construct_timestamp_as_text(loader: _LocatingLoader, node: yaml.ScalarNode) -> str:
    # Dates stay text so one parser (with a clear error) handles every date precision.
    return loader.construct_scalar(node)


class CutValue(yaml.MarkedYAMLError):
    def __init__(self, value: str, mark):
        super().__init__(
            problem=f"'#' after a space starts a comment, so this value was cut to {value!r}; "
            "quote the whole value if '#' belongs to it, or put the comment on a line of its own",
            problem_mark=mark,
        )


_LocatingLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LocatingLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence
)
_LocatingLoader.add_constructor("tag:yaml.org,2002:str", _construct_text)
_LocatingLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)

HINTS = {
    # PyYAML's message -> what a French editor most likely wrote, and the fix.
    "mapping values are not allowed here": (
        "a value containing ': ' (as in French 'Fibre : la Bretagne') must be quoted: "
        'title: "Fibre : la Bretagne"'
    ),
    "found character '\\t' that cannot start any token": "indent with spaces, not tabs",
}


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
    """Parse one YAML file; syntax errors become a SourceError at the right line, with a
    hint for the mistakes people make most (an unquoted ': ', a '#' inside a value)."""
    text = read_text(path)
    try:
        return yaml.load(text, Loader=_LocatingLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or str(exc)
        hint = HINTS.get(problem)
        raise SourceError(
            f"malformed YAML: {problem}" + (f" ({hint})" if hint else ""), path, line
        ) from exc
    except yaml.YAMLError as exc:
        raise SourceError(f"malformed YAML: {exc}", path) from exc


def yaml_files(folder: Path) -> list[Path]:
    """The .yaml and .yml files of a folder, in name order (an editor may save either)."""
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


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
