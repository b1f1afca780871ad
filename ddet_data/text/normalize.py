"""One text normalization: which typographic variants count as the same character.

French text comes with curly and straight apostrophes, several dashes and no-break
spaces; a quote copied from a page, a theme expression and an organization's name are
all compared through this table, so they agree on what "the same text" means.
"""

from __future__ import annotations

import re
import unicodedata

# Characters read as the same when comparing: apostrophes, dashes, no-break spaces.
EQUIVALENT = str.maketrans(
    {"’": "'", "‘": "'", "ʼ": "'", "´": "'", "`": "'", "‐": "-", "‑": "-", "–": "-",
     "—": "-", "\xa0": " ", "\u202f": " "}
)  # fmt: skip
LIGATURES = {"œ": "oe", "æ": "ae", "ß": "ss"}


def same_typography(text: str) -> str:
    """Text with apostrophes, dashes and runs of white space made alike (case and accents
    kept): how a verbatim quote is compared with its document."""
    text = unicodedata.normalize("NFC", text).translate(EQUIVALENT)
    return re.sub(r"\s+", " ", text).strip()


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Text without accents or case, and for each of its characters the original offset."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text.translate(EQUIVALENT)):
        lowered = char.casefold()
        for piece in lowered:
            piece = LIGATURES.get(piece, piece)
            for part in unicodedata.normalize("NFKD", piece):
                if not unicodedata.combining(part):
                    folded.append(part)
                    origin.append(index)
    return "".join(folded), origin


def fold(text: str) -> str:
    """Text compared without accents, case, or typographic variants of ' and -."""
    return fold_with_offsets(text)[0]
