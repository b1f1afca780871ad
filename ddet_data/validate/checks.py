"""The project's own checks, beyond what a Table Schema can say.

Each check reads the tables of the packages being validated (as text, the way the CSV
holds them) and returns errors in frictionless's shape, keyed by the table they
concern. A check whose tables are not all present is skipped: validating one package
alone cannot see the other.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from ..text.codes import is_commune_code, is_departement_code, is_region_code, is_valid_siren
from ..text.normalize import same_typography
from .descriptors import resources_of
from .report import cell_error

Tables = dict[str, list[dict[str, str]]]
INSEE_CHECKS = {
    "commune": is_commune_code,
    "departement": is_departement_code,
    "region": is_region_code,
}


# The packages these checks are written for, and the tables they read.
PROJECT_PACKAGES = ("ddet-newsletter", "opsn")
CHECKED_TABLES = (
    "organizations",
    "organization_territories",
    "item_territories",
    "facts",
    "sources",
    "interview_participants",
)


def read_tables(package: dict, basepath: Path, project: bool = False) -> Tables:
    """The tables the checks read, as text rows; none for a package not of this project
    (`project`: a file validated with one of the project's schemas, named after it)."""
    if not project and package.get("name") not in PROJECT_PACKAGES:
        return {}
    tables = {}
    for resource in resources_of(package):
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            continue  # an invalid descriptor: frictionless reports it
        path = basepath / str(resource.get("path", ""))
        if resource["name"] not in CHECKED_TABLES or not path.is_file():
            continue
        if resource.get("format") == "csv":
            with open(path, encoding="utf-8", newline="") as handle:
                tables[resource["name"]] = list(csv.DictReader(handle))
        elif resource.get("format") == "parquet" and project:
            tables[resource["name"]] = parquet_rows(path)
    return tables


def parquet_rows(path: Path) -> list[dict[str, str]]:
    """A Parquet table as the text rows of its CSV twin (nulls as empty cells)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    columns = {
        name: pc.cast(column, "string").fill_null("").to_pylist()
        for name, column in zip(table.column_names, table.columns, strict=True)
    }
    return [
        dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)
    ]


def field_number(rows: list[dict], name: str) -> int:
    return list(rows[0]).index(name) + 1 if rows else 0


def bad_cells(
    tables: Tables,
    table: str,
    field: str,
    is_bad: Callable[[dict], str | None],
    error_type: str,
    title: str,
    description: str,
) -> dict[str, list[dict]]:
    """Errors for every row where `is_bad(row)` returns a note (row numbers: header is 1)."""
    rows = tables.get(table)
    if not rows or field not in rows[0]:
        return {}
    errors = []
    for index, row in enumerate(rows, start=2):
        note = is_bad(row)
        if note:
            errors.append(
                cell_error(
                    error_type,
                    title,
                    description,
                    note,
                    row_number=index,
                    field_name=field,
                    field_number=field_number(rows, field),
                    cell=row[field],
                )
            )
    return {table: errors} if errors else {}


def check_siren(tables: Tables, sources_root: Path | None) -> dict[str, list[dict]]:
    def is_bad(row: dict) -> str | None:
        siren = row["siren"]
        if siren and not is_valid_siren(siren):
            return (
                "a SIREN is 9 digits whose Luhn checksum is valid; check the number at its source"
            )
        return None

    return bad_cells(
        tables,
        "organizations",
        "siren",
        is_bad,
        "siren-error",
        "SIREN Error",
        "The SIREN number is not 9 digits with a valid Luhn checksum.",
    )


def check_insee_codes(tables: Tables, sources_root: Path | None) -> dict[str, list[dict]]:
    def is_bad(row: dict) -> str | None:
        kind = row.get("territory_kind", "")
        check = INSEE_CHECKS.get(kind)
        if check and not check(row["territory_code"]):
            return f"not a valid INSEE {kind} code"
        return None

    errors: dict[str, list[dict]] = {}
    for table in ("organization_territories", "item_territories"):
        errors.update(
            bad_cells(
                tables,
                table,
                "territory_code",
                is_bad,
                "insee-code-error",
                "INSEE Code Error",
                "The territory code is not a valid INSEE code of its kind.",
            )
        )
    return errors


def check_quotes(tables: Tables, sources_root: Path | None) -> dict[str, list[dict]]:
    """A fact's quote must stand in the document its source keeps under sources/."""
    if sources_root is None or "sources" not in tables:
        return {}
    documents = {row["source_id"]: row.get("document", "") for row in tables["sources"]}

    def is_bad(row: dict) -> str | None:
        document = documents.get(row.get("source_id", ""), "")
        if not row["quote"] or not document:
            return None
        path = sources_root / document
        if not path.is_file():
            return f"the quote's source document {document} is missing from sources/"
        if same_typography(row["quote"]) not in same_typography(path.read_text(encoding="utf-8")):
            return f"the quote does not appear in its source document {document}"
        return None

    return bad_cells(
        tables,
        "facts",
        "quote",
        is_bad,
        "quote-error",
        "Quote Error",
        "The quote is absent from the source document it cites.",
    )


def check_cross_package(tables: Tables, sources_root: Path | None) -> dict[str, list[dict]]:
    """Foreign keys stop at the package boundary: check participants' organizations here."""
    if "organizations" not in tables:
        return {}
    known = {row["organization_id"] for row in tables["organizations"]}

    def is_bad(row: dict) -> str | None:
        value = row["organization_id"]
        if value and value not in known:
            return "no such organization in the opsn package's organizations table"
        return None

    return bad_cells(
        tables,
        "interview_participants",
        "organization_id",
        is_bad,
        "cross-package-error",
        "Cross-package Reference Error",
        "The value does not match any key of the referenced table in the other package.",
    )


CHECKS = (check_siren, check_insee_codes, check_quotes, check_cross_package)


def run_checks(tables: Tables, sources_root: Path | None) -> dict[str, list[dict]]:
    """Project-check errors by table name, over every table given (all packages at once)."""
    errors: dict[str, list[dict]] = {}
    for check in CHECKS:
        for table, found in check(tables, sources_root).items():
            errors.setdefault(table, []).extend(found)
    return errors
