"""Every published text cell is French, except verbatim quotes, names and titles.

The research notes are English; their values and notes are written in French in
sources/opsn/. This scan keeps it so: a cell holding common English function words fails.
"""

from __future__ import annotations

import csv
import json
import re

import pytest

from ddet_data.loading import DATAPACKAGES

# English words that are not French words too (so "on", "as" and "newsletter", which
# French uses, are left out).
ENGLISH = frozenset(
    "the and with which that this its their has have also from were was since after "
    "about by for of into when where who only between per undated members member "
    "founded created joined hosted called named study general year".split()
)
# Columns that are another language, or verbatim, by definition.
EXEMPT = {
    "quote": "verbatim quote, in the language of its source",
    "label_en": "a theme's English label",
    "title": "title of a published or cited document",
    "name": "proper name",
    "full_name": "proper name",
    "publisher": "proper name",
    "question": "verbatim interview text",
    "answer": "verbatim interview text",
    "introduction": "verbatim interview text",
    "text": "verbatim interview page",
    "expressions": "words that signal a theme, as written in French texts",
}


def english_words(text: str) -> list[str]:
    return [word for word in re.findall(r"[a-z]+", text.lower()) if word in ENGLISH]


def is_code(field: dict) -> bool:
    constraints = field.get("constraints", {})
    return bool(constraints.get("enum") or constraints.get("pattern")) or field.get("format") in (
        "uri",
        "email",
    )


def text_cells():
    for descriptor_path in sorted(DATAPACKAGES.glob("*/datapackage.json")):
        folder = descriptor_path.parent
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
        for resource in descriptor["resources"]:
            if resource.get("format") != "csv":
                continue
            schema = json.loads((folder / resource["schema"]).read_text(encoding="utf-8"))
            fields = [
                f["name"]
                for f in schema["fields"]
                if f.get("type", "string") == "string"
                and not is_code(f)
                and f["name"] not in EXEMPT
            ]
            with open(folder / resource["path"], encoding="utf-8", newline="") as stream:
                for number, row in enumerate(csv.DictReader(stream), start=2):
                    for name in fields:
                        if row[name]:
                            yield f"{resource['path']}:{number}:{name}", row[name]


def test_the_scan_sees_english():
    assert english_words("joined cybermalveillance.gouv.fr as a 'user' member") == [
        "joined",
        "member",
    ]
    assert english_words("a rejoint cybermalveillance.gouv.fr comme membre « utilisateur »") == []


@pytest.mark.skipif(not DATAPACKAGES.is_dir(), reason="datapackages/ is not built yet")
def test_no_published_text_cell_is_english():
    cells = list(text_cells())
    assert len(cells) > 300  # the scan reads the tables
    english = {where: english_words(text) for where, text in cells if english_words(text)}
    assert english == {}
