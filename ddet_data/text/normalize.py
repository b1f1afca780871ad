"""Text made comparable: quotes against the documents they come from."""

from __future__ import annotations

import re
import unicodedata


def normalize_quote(text: str) -> str:
    """Quotes match with apostrophes (’ ʼ ‘ ') and runs of white space made alike."""
    text = unicodedata.normalize("NFC", text)
    for apostrophe in ("\u2019", "\u02bc", "\u2018"):
        text = text.replace(apostrophe, "'")
    return re.sub(r"\s+", " ", text).strip()
