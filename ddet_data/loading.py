"""Read the published tables, typed from their Table Schema: the researchers' entry point.

`load("ddet-newsletter", "issues")` reads the committed `datapackages/` of a checkout, or
else the current folder (offline); a downloaded package folder (`source=Path(...)`); or
data.gouv.fr (`source="datagouv"`, downloaded once into a cache folder). The Parquet
file is read when it is there (it is typed already); otherwise the CSV is parsed with
the schema's types. Either way the result is cast to the schema, so both files give the
same table.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .errors import PackageNotFound
from .package.reader import PackageFolder
from .package.writer import arrow_schema
from .text.yamlio import did_you_mean

# The committed packages, next to the code in a checkout or an editable install.
DATAPACKAGES = Path(__file__).resolve().parent.parent / "datapackages"
REMOTE_SOURCES = ("datagouv", "data.gouv.fr")
# Frictionless's default boolean spellings, used when a schema names none.
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]


@dataclass(frozen=True)
class TableRef:
    """Where one table's files are, and its Table Schema."""

    package: str
    table: str
    folder: Path
    resources: tuple[dict, ...]
    schema: dict


def cache_dir() -> Path:
    """Where `source="datagouv"` keeps downloaded packages (XDG cache, overridable)."""
    if os.environ.get("DDET_DATA_CACHE"):
        return Path(os.environ["DDET_DATA_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ddet-data"


def package_folder(package: str, source: str | Path | None = None) -> Path:
    """The folder holding `package`'s datapackage.json for the given source."""
    if isinstance(source, str) and source in REMOTE_SOURCES:
        # Imported here: reading local files must not need the HTTP stack.
        from .datagouv.download import download

        return download(package, cache_dir() / package).folder
    # Without a source: the committed datapackages/ of a checkout, else the current
    # folder (a downloaded package, or a folder of them).
    roots = [Path(source)] if source is not None else [DATAPACKAGES, Path.cwd()]
    for root in roots:
        root = root.parent if root.name == "datapackage.json" else root
        for folder in (root, root / package):
            descriptor = folder / "datapackage.json"
            if not descriptor.is_file():
                continue
            if PackageFolder(folder).name == package:
                return folder
    known = sorted({name for root in roots for name in package_names(root)})
    hint = did_you_mean(package, known) if known else None
    if hint:
        raise PackageNotFound(f"no package {package!r}{hint}")
    where = str(roots[0]) if source is not None else "datapackages/ nor the current folder"
    raise PackageNotFound(
        f"no package {package!r} in {where}: get it with 'ddet-data download {package} "
        f"--dest {package}' and pass source={package!r}, or pass source=\"datagouv\""
    )


def package_names(root: Path) -> list[str]:
    root = root.parent if root.name == "datapackage.json" else root
    if (root / "datapackage.json").is_file():
        return [PackageFolder(root).name]
    if not root.is_dir():
        return []
    return sorted(
        PackageFolder(d).name
        for d in root.iterdir()
        if (d / "datapackage.json").is_file()
    )


def find_table(package: str, table: str, source: str | Path | None = None) -> TableRef:
    folder = PackageFolder(package_folder(package, source))
    tables = folder.tables()
    if table not in tables:
        known = list(tables)
        hint = did_you_mean(table, known)
        raise PackageNotFound(
            f"package {package!r} has no table {table!r}"
            + (hint or f"; its tables: {', '.join(known)}")
        )
    found = tables[table]
    return TableRef(package, table, folder.path, found.resources, found.schema)


def load_arrow(package: str, table: str, source: str | Path | None = None) -> pa.Table:
    """One table as an Arrow table typed from its schema (integer→int64, date→date32...).

    `source`: None for the committed datapackages/, a folder (a package or a folder of
    packages, e.g. what `ddet-data download` wrote), or "datagouv" to download it.
    """
    return read_table(find_table(package, table, source))


def read_table(ref: TableRef) -> pa.Table:
    target = arrow_schema(ref.schema)
    by_format = {r.get("format"): r for r in ref.resources}
    parquet = by_format.get("parquet")
    if parquet and (ref.folder / parquet["path"]).is_file():
        data = pq.read_table(ref.folder / parquet["path"])
    elif "csv" in by_format and (ref.folder / by_format["csv"]["path"]).is_file():
        data = read_csv(ref.folder / by_format["csv"]["path"], ref.schema)
    else:
        raise PackageNotFound(f"{ref.folder}: no data file for table {ref.table!r}")
    return conform(data, target, ref)


def read_csv(path: Path, schema: dict) -> pa.Table:
    target = arrow_schema(schema)
    true_values, false_values = TRUE_VALUES, FALSE_VALUES
    for field in schema["fields"]:
        if field.get("type") == "boolean":
            true_values = field.get("trueValues", true_values)
            false_values = field.get("falseValues", false_values)
    options = pacsv.ConvertOptions(
        column_types={f.name: f.type for f in target},
        null_values=schema.get("missingValues", [""]),
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
        true_values=true_values,
        false_values=false_values,
    )
    try:
        return pacsv.read_csv(path, convert_options=options)
    except (pa.ArrowInvalid, OSError) as exc:
        raise PackageNotFound(f"{path}: cannot read as its schema says: {exc}") from exc


def conform(data: pa.Table, target: pa.Schema, ref: TableRef) -> pa.Table:
    """Columns in schema order with schema types; a missing or extra column is an error."""
    names = [f.name for f in target]
    if sorted(data.column_names) != sorted(names):
        raise PackageNotFound(
            f"{ref.folder}: table {ref.table!r} has columns {data.column_names}, "
            f"its schema says {names}"
        )
    try:
        columns = [data.column(f.name).cast(f.type) for f in target]
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise PackageNotFound(
            f"{ref.folder}: table {ref.table!r} does not fit its schema: {exc}"
        ) from exc
    return pa.Table.from_arrays(columns, schema=target)


def pandas_dtype(field: dict):
    """The pandas dtype that says what the schema says, with missing values allowed."""
    enum = field.get("constraints", {}).get("enum")
    kind = field.get("type", "string")
    if enum is not None:
        values = [int(v) if kind in ("integer", "year") else v for v in enum]
        return pd.CategoricalDtype(values)
    return {
        "integer": "Int64",
        "year": "Int64",
        "number": "Float64",
        "boolean": "boolean",
        "date": "datetime64[ns]",
        "datetime": "datetime64[ns]",
    }.get(kind, "string")


def load(package: str, table: str, source: str | Path | None = None) -> pd.DataFrame:
    """One table as a pandas DataFrame typed from its Table Schema.

    integer/year → Int64 (nullable), number → Float64, boolean → boolean, date and
    datetime → datetime64[ns], string → string, and any field with an `enum`
    constraint → category whose categories are the enum's values, in schema order.
    `source` as for `load_arrow`.
    """
    ref = find_table(package, table, source)
    data = read_table(ref)
    return pd.DataFrame(
        {
            field["name"]: convert(data.column(field["name"]), field)
            for field in ref.schema["fields"]
        }
    )


def convert(column: pa.ChunkedArray, field: dict) -> pd.Series:
    dtype = pandas_dtype(field)
    if field.get("type") in ("date", "datetime"):
        series = pd.Series(column.cast(pa.timestamp("ns")).to_pandas())
    else:
        series = column.to_pandas(types_mapper={pa.string(): pd.StringDtype()}.get)
    return series.astype(dtype)


def catalog(source: str | Path | None = None) -> pd.DataFrame:
    """Every table of every package: package, table, title, description, rows, fields."""
    if isinstance(source, str) and source in REMOTE_SOURCES:
        roots = [package_folder(name, source) for name in ("ddet-newsletter", "opsn")]
    else:
        candidates = [Path(source)] if source is not None else [DATAPACKAGES, Path.cwd()]
        root = next((r for r in candidates if package_names(r)), candidates[0])
        roots = [package_folder(name, root) for name in package_names(root)]
        if not roots:
            raise PackageNotFound(
                f"no package in {root}: get one with 'ddet-data download opsn --dest opsn', "
                'or pass source="datagouv"'
            )
    records = []
    for root in roots:
        folder = PackageFolder(root)
        descriptor = folder.descriptor
        for table in folder.tables():
            ref = find_table(folder.name, table, root)
            records.append(
                {
                    "package": descriptor["name"],
                    "package_title": descriptor.get("title", ""),
                    "version": descriptor.get("version", ""),
                    "table": table,
                    "title": ref.schema.get("title", ""),
                    "description": ref.schema.get("description", ""),
                    "rows": row_count(ref),
                    "fields": ", ".join(f["name"] for f in ref.schema["fields"]),
                }
            )
    return pd.DataFrame.from_records(records).astype({"rows": "Int64"})


def row_count(ref: TableRef) -> int | None:
    for resource in ref.resources:
        path = ref.folder / resource["path"]
        if resource.get("format") == "parquet" and path.is_file():
            return pq.ParquetFile(path).metadata.num_rows
    for resource in ref.resources:
        path = ref.folder / resource["path"]
        if resource.get("format") == "csv" and path.is_file():
            return pacsv.read_csv(path, convert_options=all_strings(ref.schema)).num_rows
    return None


def all_strings(schema: dict) -> pacsv.ConvertOptions:
    return pacsv.ConvertOptions(column_types={f["name"]: pa.string() for f in schema["fields"]})
