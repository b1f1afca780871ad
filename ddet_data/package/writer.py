"""Write one data package: CSV and Parquet per table, schemas, and datapackage.json.

Everything here is deterministic: rows are sorted by primary key, values have one
textual form, JSON keys keep a fixed order, and no clock is read. Two builds of the
same sources give the same bytes, which is what lets `build --check` and publishing
compare files by hash.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import BuildError
from ..text.jsonio import dump_json

if TYPE_CHECKING:  # the spec is the project's description of a package
    from ..project import PackageSpec

LICENSE = {
    "name": "etalab-2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "title": "Licence Ouverte / Open Licence version 2.0",
}
CONTRIBUTORS = [{"title": "Mainteneurs de ddet-data", "role": "author"}]
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
# Key under which each Parquet file carries its Table Schema, so the file alone is typed.
PARQUET_SCHEMA_KEY = b"frictionless:schema"

ARROW_TYPES = {
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "datetime": pa.timestamp("s"),
    "year": pa.int64(),
}


def sort_rows(rows: list[dict], schema: dict) -> list[dict]:
    key_fields = schema["primaryKey"]

    def key(row: dict) -> tuple:
        # None sorts first and never compares with a value.
        return tuple((row[f] is not None, row[f] if row[f] is not None else 0) for f in key_fields)

    return sorted(rows, key=key)


def format_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def csv_bytes(rows: list[dict], schema: dict) -> bytes:
    """UTF-8 without BOM, comma, LF line ends, RFC 4180 quoting."""
    names = [field["name"] for field in schema["fields"]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(names)
    for row in rows:
        writer.writerow([format_cell(row[name]) for name in names])
    return buffer.getvalue().encode("utf-8")


def arrow_schema(schema: dict) -> pa.Schema:
    fields = [
        pa.field(
            field["name"],
            ARROW_TYPES.get(field["type"], pa.string()),
            nullable=not field.get("constraints", {}).get("required", False),
        )
        for field in schema["fields"]
    ]
    metadata = {PARQUET_SCHEMA_KEY: json.dumps(schema, ensure_ascii=False).encode("utf-8")}
    return pa.schema(fields, metadata=metadata)


def parquet_bytes(rows: list[dict], schema: dict) -> bytes:
    target = arrow_schema(schema)
    columns = {}
    for field in target:
        values = [row[field.name] for row in rows]
        if field.type == pa.string():
            values = [None if v is None else format_cell(v) for v in values]
        try:
            columns[field.name] = pa.array(values, type=field.type)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise BuildError(
                f"table {schema['name']}: field {field.name!r} holds a value that is not "
                f"{field.type}: {exc}"
            ) from exc
    table = pa.Table.from_pydict(columns, schema=target)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", write_statistics=True)
    return sink.getvalue().to_pybytes()


def file_facts(data: bytes) -> dict:
    """Size and the two hashes: sha256 for Frictionless, sha1 for data.gouv.fr's checksum."""
    return {
        "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "sha1": hashlib.sha1(data).hexdigest(),
    }


def write_file(folder: Path, relative: str, data: bytes) -> dict:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return file_facts(data)


def table_resources(folder: Path, table: str, rows: list[dict], schema: dict) -> list[dict]:
    """The CSV resource (tabular, validated by Frictionless) and its Parquet twin.

    The Parquet file is declared as a plain file: stock Frictionless checks its size and
    hash without needing a Parquet reader.
    """
    rows = sort_rows(rows, schema)
    described = {"title": schema["title"], "description": schema["description"]}
    csv_resource = {
        "name": table,
        "type": "table",
        **described,
        "path": f"data/{table}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": f"schemas/{table}.json",
        **write_file(folder, f"data/{table}.csv", csv_bytes(rows, schema)),
    }
    parquet_resource = {
        "name": f"{table}-parquet",
        "type": "file",
        **described,
        "path": f"data/{table}.parquet",
        "format": "parquet",
        "mediatype": PARQUET_MEDIATYPE,
        **write_file(folder, f"data/{table}.parquet", parquet_bytes(rows, schema)),
        "table": table,
    }
    return [csv_resource, parquet_resource]


def write_package(
    folder: Path,
    spec: PackageSpec,
    tables: dict[str, list[dict]],
    schemas: dict[str, dict],
) -> dict:
    """Write a whole package into `folder` (which should be empty) and return its descriptor."""
    resources = []
    for table in spec.tables:
        write_file(folder, f"schemas/{table}.json", dump_json(schemas[table]).encode("utf-8"))
        resources += table_resources(folder, table, tables.get(table, []), schemas[table])
    descriptor = {
        "$schema": "https://specs.frictionlessdata.io/schemas/data-package.json",
        "name": spec.name,
        "title": spec.title,
        "description": spec.description,
        "version": spec.version,
        "licenses": [LICENSE],
        "created": spec.created,
        "keywords": spec.keywords,
        "contributors": CONTRIBUTORS,
        "sources": spec.sources,
        "resources": resources,
    }
    (folder / "datapackage.json").write_text(dump_json(descriptor), encoding="utf-8")
    return descriptor
