"""Small packages written by the real package writer, for the researchers' side tests."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

from ddet_data.package.writer import write_package
from ddet_data.project import PackageSpec

LICENSE = {
    "title": "Licence Ouverte / Open Licence version 2.0",
    "name": "etalab-2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}


def field(name, kind, description, example, required=False, **constraints):
    extra = {}
    if "enum" in constraints:
        extra["enumDescriptions"] = {v: f"Valeur {v}." for v in constraints["enum"]}
    return {
        "name": name,
        "title": name.replace("_", " ").capitalize(),
        "description": description,
        "example": example,
        "type": kind,
        **extra,
        "constraints": {"required": required, **constraints},
    }


def schema(name, title, fields, primary_key, foreign_keys=None):
    out = {
        "$schema": "https://frictionlessdata.io/schemas/table-schema.json",
        "name": name,
        "title": title,
        "description": f"Table {title.lower()} d'essai.",
        "countryCode": "FR",
        "licenses": [LICENSE],
        "created": "2026-11-29",
        "lastModified": "2026-11-29",
        "version": "1.0.0",
        "fields": fields,
        "primaryKey": primary_key,
        "missingValues": [""],
    }
    if foreign_keys:
        out["foreignKeys"] = foreign_keys
    return out


SCHEMAS = {
    "themes": schema(
        "themes",
        "Thèmes",
        [
            field("theme_id", "string", "Identifiant du thème.", "donnees", True),
            field("label", "string", "Libellé du thème.", "Données", True),
        ],
        ["theme_id"],
    ),
    "issues": schema(
        "issues",
        "Numéros",
        [
            field("issue_number", "integer", "Numéro du numéro.", "100", True, minimum=1),
            field("published_on", "date", "Date de parution.", "2024-01-15", True),
            field("sent_at", "datetime", "Moment d'envoi.", "2024-01-15T08:00:00"),
            field("year", "year", "Année de parution.", "2024"),
            field("reading_minutes", "number", "Durée de lecture.", "7.5"),
            field("has_interview", "boolean", "Le numéro publie un entretien.", "true"),
            field(
                "kind", "string", "Genre du numéro.", "regular", True, enum=["regular", "special"]
            ),
            field("title", "string", "Titre du numéro.", "Les données", True),
            field("subscribers", "integer", "Abonnés annoncés.", "1200"),
        ],
        ["issue_number"],
    ),
    "item_themes": schema(
        "item_themes",
        "Thèmes des numéros",
        [
            field("issue_number", "integer", "Numéro.", "100", True),
            field("theme_id", "string", "Thème.", "donnees", True),
        ],
        ["issue_number", "theme_id"],
        [
            {
                "fields": ["issue_number"],
                "reference": {"resource": "issues", "fields": ["issue_number"]},
            },
            {"fields": ["theme_id"], "reference": {"resource": "themes", "fields": ["theme_id"]}},
        ],
    ),
}


def issue(number, title, **values):
    row = {
        "issue_number": number,
        "published_on": dt.date(2024, 1, 1) + dt.timedelta(days=7 * number),
        "sent_at": None,
        "year": 2024,
        "reading_minutes": None,
        "has_interview": None,
        "kind": "regular",
        "title": title,
        "subscribers": None,
    }
    row.update(values)
    return row


def rows():
    return {
        "themes": [
            {"theme_id": "donnees", "label": "Données"},
            {"theme_id": "inclusion", "label": "Inclusion numérique"},
        ],
        "issues": [
            issue(
                1,
                'Premier numéro, "le"',
                sent_at=dt.datetime(2024, 1, 8, 8, 30),
                reading_minutes=7.5,
                has_interview=True,
                subscribers=1200,
            ),
            issue(2, "Les données locales", kind="special", has_interview=False),
            issue(3, "Troisième"),
        ],
        "item_themes": [
            {"issue_number": 1, "theme_id": "donnees"},
            {"issue_number": 2, "theme_id": "donnees"},
            {"issue_number": 2, "theme_id": "inclusion"},
        ],
    }


def make(folder: Path, name="ddet-newsletter", tables=None, schemas=None, version="1.0.0"):
    tables = rows() if tables is None else tables
    schemas = copy.deepcopy(SCHEMAS) if schemas is None else schemas
    spec = PackageSpec(
        name=name,
        title="Newsletter DDET (essai)",
        description="Paquet d'essai de la newsletter DDET.",
        keywords=["essai"],
        created="2026-11-29T00:00:00Z",
        tables=list(tables),
        sources=[],
        version=version,
    )
    write_package(folder, spec, tables, schemas)
    return folder
