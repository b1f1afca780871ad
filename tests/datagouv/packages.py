"""Small packages in the exact shape the build writes, made from a few rows.

They stand in for datapackages/ in tests that must change a table, and are written
with pyarrow and hashlib only, so these tests do not depend on the build's internals.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

LICENSE = {
    "name": "etalab-2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "title": "Licence Ouverte / Open Licence version 2.0",
}
ARROW = {"integer": pa.int64(), "string": pa.string(), "date": pa.date32()}

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


def facts(data: bytes) -> dict:
    return {
        "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "sha1": hashlib.sha1(data).hexdigest(),
    }


def csv_bytes(rows: list[dict], schema: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = [f["name"] for f in schema["fields"]]
    writer.writerow(names)
    for row in rows:
        writer.writerow([row[n] for n in names])
    return out.getvalue().encode()


def parquet_bytes(rows: list[dict], schema: dict) -> bytes:
    import datetime as dt

    columns = {}
    for f in schema["fields"]:
        values = [row[f["name"]] for row in rows]
        if f["type"] == "date":
            values = [dt.date.fromisoformat(v) for v in values]
        columns[f["name"]] = pa.array(values, type=ARROW[f["type"]])
    sink = pa.BufferOutputStream()
    pq.write_table(pa.table(columns), sink)
    return sink.getvalue().to_pybytes()


def write(folder: Path, relative: str, data: bytes) -> dict:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return facts(data)


def make_package(
    folder: Path,
    name: str = "ddet-newsletter",
    rows: dict[str, list[dict]] | None = None,
    *,
    title: str = "Newsletter DDET (essai)",
    description: str = "Paquet d'essai de la newsletter DDET.",
    version: str = "1.0.0",
) -> Path:
    """Write a package folder and return it."""
    rows = rows if rows is not None else ROWS
    resources = []
    for table, table_rows in rows.items():
        schema = SCHEMAS[table]
        write(
            folder,
            f"schemas/{table}.json",
            json.dumps(schema, ensure_ascii=False, indent=2).encode(),
        )
        described = {"title": schema["title"], "description": schema["description"]}
        resources.append(
            {
                "name": table,
                "type": "table",
                **described,
                "path": f"data/{table}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": f"schemas/{table}.json",
                **write(folder, f"data/{table}.csv", csv_bytes(table_rows, schema)),
            }
        )
        resources.append(
            {
                "name": f"{table}-parquet",
                "type": "file",
                **described,
                "path": f"data/{table}.parquet",
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                **write(folder, f"data/{table}.parquet", parquet_bytes(table_rows, schema)),
                "table": table,
            }
        )
    descriptor = {
        "name": name,
        "title": title,
        "description": description,
        "version": version,
        "licenses": [LICENSE],
        "created": "2024-01-01T00:00:00Z",
        "keywords": ["essai"],
        "contributors": [{"title": "Tests"}],
        "sources": [],
        "resources": resources,
    }
    (folder / "datapackage.json").write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return folder
