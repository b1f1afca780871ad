"""A field's `pattern` as Python's `re` reads it, written out again for RE2.

frictionless matches a pattern with Python's `re` (`^{pattern}$`); the fast engine
matches whole columns with Arrow's RE2, whose syntax looks the same and is not:
`a{,3}` is a repeat for Python and text for RE2, `[[:digit:]]` a class for RE2 and
a set of characters for Python, `\\s` leaves out `\\v` and `\\x1c`-`\\x1f` in RE2 only,
`\\pN` and inline flags are read by one and refused or placed otherwise by the other.
So the pattern is parsed by Python's own parser and each node written in RE2 terms
whose meaning is the same on ASCII text without line breaks (the only cells whose
match RE2 is trusted with); a node with no such twin (back-references, lookarounds,
flags, possessive repeats) gives None, and the cell reader decides.
"""

from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse
import warnings

# Python's \s, \d and \w on ASCII text, as RE2 classes
_SPACE = r"\x{9}-\x{d}\x{1c}-\x{20}"
_DIGIT = "0-9"
_WORD = "0-9A-Za-z_"
_IN_CLASS = {
    sre.CATEGORY_DIGIT: _DIGIT,
    sre.CATEGORY_WORD: _WORD,
    sre.CATEGORY_SPACE: _SPACE,
}
_NOT = {
    sre.CATEGORY_NOT_DIGIT: _DIGIT,
    sre.CATEGORY_NOT_WORD: _WORD,
    sre.CATEGORY_NOT_SPACE: _SPACE,
}
_ANCHORS = {
    sre.AT_BEGINNING: "^",
    sre.AT_BEGINNING_STRING: r"\A",
    sre.AT_END: "$",  # (Python's also before a final line break: cells hold none)
    sre.AT_END_STRING: r"\z",
    sre.AT_BOUNDARY: r"\b",
    # (not \B: on an empty cell Python finds no non-boundary, RE2 finds one)
}
_RE2_MOST_REPEATS = 1000


def re2_pattern(pattern: str) -> str | None:
    """RE2's spelling of `^{pattern}$` as frictionless compiles and matches it, or None."""
    try:
        with warnings.catch_warnings():  # ("possible nested set": frictionless's to say)
            warnings.simplefilter("ignore")
            parsed = sre_parse.parse(f"^{pattern}$")
    except (re.error, RecursionError, OverflowError):
        return None
    if parsed.state.flags & ~sre.SRE_FLAG_UNICODE:
        return None  # a global flag: (?i), (?x), (?s)...
    spelled = _sequence(parsed)
    # frictionless matches from the start only (re.match), where RE2 searches: in
    # `^a|b$` the second branch is anchored at the end alone.
    return None if spelled is None else f"^(?:{spelled})"


def _sequence(items) -> str | None:
    """The nodes written one after the other; None if one has no twin."""
    spelled = [_node(op, arg) for op, arg in items]
    return None if None in spelled else "".join(spelled)


def _char(code: int) -> str:
    return rf"\x{{{code:x}}}"


def _node(op, arg) -> str | None:
    if op == sre.LITERAL:
        return _char(arg)
    if op == sre.NOT_LITERAL:
        return f"[^{_char(arg)}]"
    if op == sre.ANY:
        return "."  # any character but a line break, in both
    if op == sre.AT:
        return _ANCHORS.get(arg)
    if op == sre.IN:
        return _class(arg)
    if op == sre.BRANCH:
        branches = [_sequence(branch) for branch in arg[1]]
        return None if None in branches else "(?:" + "|".join(branches) + ")"
    if op == sre.SUBPATTERN:
        _group, add_flags, del_flags, items = arg
        inner = _sequence(items)
        if add_flags or del_flags or inner is None:
            return None  # (?i:...) and the like
        return f"(?:{inner})"
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, high, items = arg
        inner = _sequence(items)
        if inner is None or low > _RE2_MOST_REPEATS:
            return None
        if high != sre.MAXREPEAT and high > _RE2_MOST_REPEATS:
            return None
        bounds = f"{{{low},}}" if high == sre.MAXREPEAT else f"{{{low},{high}}}"
        # (laziness changes which match is found, never whether the whole cell matches)
        return f"(?:{inner}){bounds}"
    return None  # back-references, lookarounds, atomic groups, possessive repeats...


def _class(items) -> str | None:
    negate = bool(items) and items[0][0] == sre.NEGATE
    parts = []
    for op, arg in items[1:] if negate else items:
        if op == sre.LITERAL:
            parts.append(_char(arg))
        elif op == sre.RANGE:
            parts.append(f"{_char(arg[0])}-{_char(arg[1])}")
        elif op == sre.CATEGORY and arg in _IN_CLASS:
            parts.append(_IN_CLASS[arg])
        elif op == sre.CATEGORY and arg in _NOT and len(items) == 1:
            return f"[^{_NOT[arg]}]"  # \D, \W, \S on their own
        else:
            return None  # \S among other members, and the like
    if not parts:
        return None
    return f"[{'^' if negate else ''}{''.join(parts)}]"
