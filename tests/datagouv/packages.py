"""Small packages in the exact shape the build writes, made from a few rows.

They stand in for datapackages/ in tests that must change a table; they are written
by the build's own package writer, so they have the shape publishing reads.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ddet_data.package.writer import write_package
from ddet_data.project import PackageSpec

SCHEMAS = {
    "issues": {
        "name": "issues",
        "title": "Numéros de la newsletter",
        "description": "Un enregistrement par numéro de la newsletter.",
        "version": "1.0.0",
        "fields": [
            {
                "name": "issue_number",
                "title": "Numéro",
                "description": "Numéro.",
                "type": "integer",
            },
            {"name": "published_on", "title": "Parution", "description": "Date.", "type": "date"},
            {
                "name": "title",
                "title": "Titre",
                "description": "Titre du numéro.",
                "type": "string",
            },
        ],
        "primaryKey": ["issue_number"],
    },
    "themes": {
        "name": "themes",
        "title": "Thèmes",
        "description": "Le vocabulaire des thèmes.",
        "version": "1.0.0",
        "fields": [
            {"name": "theme_id", "title": "Identifiant", "description": "Code.", "type": "string"},
            {"name": "label", "title": "Libellé", "description": "Libellé.", "type": "string"},
        ],
        "primaryKey": ["theme_id"],
    },
}

ROWS = {
    "issues": [
        {"issue_number": 1, "published_on": "2024-01-08", "title": "Premier numéro"},
        {"issue_number": 2, "published_on": "2024-01-15", "title": "Les données locales"},
    ],
    "themes": [
        {"theme_id": "donnees", "label": "Données"},
        {"theme_id": "inclusion", "label": "Inclusion numérique"},
    ],
}


def typed(rows: list[dict], schema: dict) -> list[dict]:
    """Rows as the build hands them to the writer: dates as dates."""
    dates = [f["name"] for f in schema["fields"] if f["type"] == "date"]
    return [{**row, **{n: dt.date.fromisoformat(row[n]) for n in dates}} for row in rows]


def make_package(
    folder: Path,
    name: str = "ddet-newsletter",
    rows: dict[str, list[dict]] | None = None,
    *,
    title: str = "Newsletter DDET (essai)",
    description: str = "Paquet d'essai de la newsletter DDET.",
    version: str = "1.0.0",
) -> Path:
    """Write a package folder with the build's own writer and return it."""
    rows = rows if rows is not None else ROWS
    spec = PackageSpec(
        name=name,
        title=title,
        description=description,
        keywords=["essai"],
        created="2024-01-01T00:00:00Z",
        tables=list(rows),
        sources=[],
        version=version,
    )
    tables = {table: typed(table_rows, SCHEMAS[table]) for table, table_rows in rows.items()}
    write_package(folder, spec, tables, SCHEMAS)
    return folder


def big_rows(megabytes: int, variant: str = "") -> dict[str, list[dict]]:
    """Rows whose `issues` table weighs at least `megabytes` MB as CSV (generated, never
    committed); `variant` changes every title, for a second version of the same size."""
    filler = "données locales, inclusion numérique et services publics en ligne ; " * 9
    size = len(f"{filler}{variant}".encode()) + 40  # the number, the date, quotes, newline
    count = megabytes * 1_000_000 // size + 1
    issues = [
        {"issue_number": n, "published_on": "2024-01-08", "title": f"{n} {variant}{filler}"}
        for n in range(1, count + 1)
    ]
    return {"issues": issues, "themes": ROWS["themes"]}
