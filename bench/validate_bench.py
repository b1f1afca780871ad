"""Time `ddet-data validate` against stock frictionless and a bare typed pyarrow parse.

    .venv/bin/python bench/validate_bench.py [--rows 500000,2000000] [--turns K]
        [--frictionless-turns F]
        [--skip-frictionless] [--skip-big]

Generates, under bench/out/, packages of another shape than the project's: two CSV
tables, `facts` (N rows, 8 columns of mixed types: a unique integer key, bounded
numbers and integers, dates, booleans, enum and patterned strings, a foreign key) and
`regions`, which `facts` references; the same tables as Parquet; `facts.csv` with a
schema file of its own; a copy with errors in 1% of its rows; a 40-row package, and 40
rows of the other shape below (French text, no declared encoding); and a
table of yet another shape (1,000,000 rows, 10 columns: quoted text with accents, a
nullable number, datetimes, fixed-width codes, no key), as CSV and as Parquet, and the
same table with a text primary key whose ids come in no order; and a table written
the French way (500,000 rows: decimal commas and spaces between thousands, days as
DD/MM/YYYY, datetimes with an offset, oui/non, months, "lon, lat" points), as CSV only.
Every command runs as a whole process, the commands taking turns K times (default 7;
frictionless's F turns, default 3, last), and the script prints their median wall times
and peak memory, then every ratio the issue sets a target for, each measured side by
side in the same run: the tiny package against importing pyarrow, frictionless against
ddet-data at each size, ddet-data against the bare typed parse, a CSV given with
--schema against the same CSV in the package, CSV against Parquet (valid and 1% in
error, with the same findings). ddet-data runs with `--json`, frictionless's report
with the files' md5 and sha256, and beside it with its text report, for which no hash
is computed (none is shown). The load average is printed before and after: this
machine is shared.

Last comes the peak memory of ddet-data on a ~1 GB CSV, and on a ~1 GB CSV of the
keyed shape (a few minutes to generate the first time; `--skip-big` leaves them out).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
REGIONS = 1000
PACKAGE = "ddet-data validate PACKAGE (CSV)"
TEXT = "ddet-data validate PACKAGE (CSV), text"
SINGLE = "ddet-data validate facts.csv --schema S"
PARQUET = "ddet-data validate PACKAGE (Parquet)"
FRICTIONLESS = "frictionless validate PACKAGE (CSV)"
PARSE = "bare typed pyarrow parse of facts.csv"
IMPORTS = "python -c 'import pyarrow.csv, ...'"
TINY_OTHER = "ddet-data validate PACKAGE (other shape)"
STATUSES = ["draft", "open", "closed", "archived"]

FACTS_SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True, "unique": True}},
        {"name": "amount", "type": "number", "constraints": {"minimum": 0, "maximum": 1000000}},
        {"name": "quantity", "type": "integer", "constraints": {"minimum": 0, "maximum": 1000}},
        {"name": "day", "type": "date"},
        {"name": "active", "type": "boolean"},
        {"name": "status", "type": "string", "constraints": {"enum": STATUSES}},
        {"name": "code", "type": "string", "constraints": {"pattern": "[A-Z]{2}-[0-9]{4}"}},
        {"name": "region_id", "type": "integer"},
    ],
    "primaryKey": ["id"],
    "foreignKeys": [
        {"fields": ["region_id"], "reference": {"resource": "regions", "fields": ["id"]}}
    ],
}
REGIONS_SCHEMA = {
    "fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}],
    "primaryKey": ["id"],
}


def facts_columns(rows: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    days = np.datetime64("2000-01-01") + rng.integers(0, 9000, rows).astype("timedelta64[D]")
    codes = np.char.add(
        np.char.add(letters[rng.integers(0, 26, rows)], letters[rng.integers(0, 26, rows)]),
        np.char.add("-", np.char.zfill(rng.integers(0, 10000, rows).astype(str), 4)),
    )
    return {
        "id": np.arange(1, rows + 1).astype(str),
        "amount": np.char.mod("%.2f", rng.uniform(0, 1_000_000, rows)),
        "quantity": rng.integers(0, 1001, rows).astype(str),
        "day": days.astype(str),
        "active": np.array(["true", "false"])[rng.integers(0, 2, rows)],
        "status": np.array(STATUSES)[rng.integers(0, len(STATUSES), rows)],
        "code": codes,
        "region_id": rng.integers(1, REGIONS + 1, rows).astype(str),
    }


def inject_errors(columns: dict[str, np.ndarray], share: float, seed: int) -> None:
    """Spoil `share` of the rows, one kind of error per row, in turn."""
    rng = np.random.default_rng(seed)
    rows = len(columns["id"])
    spoiled = rng.choice(rows, int(rows * share), replace=False)
    spoilers = [
        ("id", lambda i: str(max(i - 5, 1))),  # duplicate key
        ("amount", lambda i: "-3.5"),  # below minimum
        ("quantity", lambda i: "many"),  # type error
        ("day", lambda i: "2021-02-30"),  # impossible date
        ("active", lambda i: "yes"),  # not a boolean
        ("status", lambda i: "unknown"),  # not in enum
        ("code", lambda i: "A-1"),  # pattern
        ("region_id", lambda i: str(REGIONS + 7)),  # dangling foreign key
    ]
    for turn, row in enumerate(spoiled):
        name, spoil = spoilers[turn % len(spoilers)]
        if columns[name].dtype.itemsize < 64:
            columns[name] = columns[name].astype("U32")
        columns[name][row] = spoil(int(row))


def write_package(folder: Path, rows: int, error_share: float = 0.0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    columns = facts_columns(rows, seed=1)
    if error_share:
        inject_errors(columns, error_share, seed=2)
    write_csv(folder / "facts.csv", columns)
    ids = np.arange(1, REGIONS + 1)
    write_csv(
        folder / "regions.csv", {"id": ids.astype(str), "name": np.char.add("r", ids.astype(str))}
    )
    descriptor = {
        "name": "bench",
        "resources": [
            {"name": "facts", "type": "table", "path": "facts.csv", "format": "csv",
             "schema": FACTS_SCHEMA},
            {"name": "regions", "type": "table", "path": "regions.csv", "format": "csv",
             "schema": REGIONS_SCHEMA},
        ],
    }  # fmt: skip
    path = folder / "datapackage.json"
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return path


def write_csv(path: Path, columns: dict[str, np.ndarray]) -> None:
    table = pa.table(
        {name: pa.array(values.tolist(), pa.string()) for name, values in columns.items()}
    )
    options = pa_csv.WriteOptions(quoting_style="needed")
    pa_csv.write_csv(table, str(path), write_options=options)


def write_parquet_package(folder: Path, csv_descriptor: Path) -> Path:
    """The same tables as Parquet, typed as pyarrow reads the CSV, beside the CSV package."""
    descriptor = json.loads(csv_descriptor.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        table = pa_csv.read_csv(str(csv_descriptor.parent / resource["path"]))
        resource["path"] = resource["path"].replace(".csv", ".parquet")
        resource["format"] = "parquet"
        pq.write_table(table, folder / resource["path"])
    path = folder / "datapackage-parquet.json"
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return path


def write_big_package(folder: Path, target_bytes: int) -> Path:
    """~target_bytes of facts, written in chunks so the generator stays small too."""
    descriptor = folder / "datapackage.json"
    if descriptor.exists() and (folder / "facts.csv").stat().st_size >= target_bytes:
        return descriptor  # the generator is seeded: the same file as last time
    folder.mkdir(parents=True, exist_ok=True)
    path = write_package(folder, 1000)
    chunk_rows = 1_000_000
    with open(folder / "facts.csv", "wb") as out:
        out.write(b"id,amount,quantity,day,active,status,code,region_id\n")
        start = 0
        while out.tell() < target_bytes:
            columns = facts_columns(chunk_rows, seed=start)
            columns["id"] = np.arange(start + 1, start + chunk_rows + 1).astype(str)
            table = pa.table({n: pa.array(v.tolist(), pa.string()) for n, v in columns.items()})
            options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
            pa_csv.write_csv(table, out, write_options=options)
            start += chunk_rows
    return path


def write_big_keyed(folder: Path, target_bytes: int) -> Path:
    """~target_bytes of the keyed other shape, in chunks (ids distinct across them)."""
    descriptor, _ = write_other_shape(folder, 1000, keyed=True)
    if (folder / "communes.csv").stat().st_size >= target_bytes:
        return descriptor
    chunk_rows, start = 1_000_000, 0
    with open(folder / "communes.csv", "wb") as out:
        while out.tell() < target_bytes:
            table = other_table(chunk_rows, seed=start, keyed=True, first_id=start)
            options = pa_csv.WriteOptions(include_header=start == 0)
            pa_csv.write_csv(table, out, write_options=options)
            start += chunk_rows
    return descriptor


def run(command: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS in MB, exit code and last error line of one whole process.

    The peak comes from /usr/bin/time: a child forked from this (large) process would
    inherit its high-water mark in getrusage.
    """
    with (
        tempfile.NamedTemporaryFile("r", suffix=".rss") as rss,
        tempfile.TemporaryFile("w+") as stderr,
    ):
        started = time.perf_counter()
        code = subprocess.call(
            ["/usr/bin/time", "-q", "-f", "%M", "-o", rss.name, *command],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        seconds = time.perf_counter() - started
        kilobytes = int((rss.read().strip().splitlines() or ["0"])[-1])
        stderr.seek(0)
        last_line = ([line for line in stderr.read().splitlines() if line.strip()] or [""])[-1]
    return seconds, kilobytes / 1024, code, last_line


TYPES = {"integer": "int64", "number": "float64", "boolean": "bool", "date": "date32",
         "datetime": "timestamp[s]", "string": "string"}  # fmt: skip


def typed_parse(csv_path: Path, schema: dict) -> str:
    """A bare pyarrow parse of the CSV with the schema's types: the floor to compare with."""
    types = {field["name"]: TYPES[field["type"]] for field in schema["fields"]}
    return (
        "import pyarrow as pa, pyarrow.csv as c; "
        f"c.read_csv({str(csv_path)!r}, convert_options=c.ConvertOptions(column_types="
        f"{{k: pa.type_for_alias(v) for k, v in {types!r}.items()}}))"
    )


COMMUNES = ["Rennes", "Saint-Malo, port", "Brest", 'Quimper "centre"', "Fougères", "Lorient"]
OTHER_SCHEMA = {
    "fields": [
        {"name": "code_insee", "type": "string",
         "constraints": {"required": True, "pattern": "^[0-9]{5}$"}},
        {"name": "commune", "type": "string", "constraints": {"required": True}},
        {"name": "population", "type": "integer", "constraints": {"minimum": 0}},
        {"name": "surface_km2", "type": "number", "constraints": {"minimum": 0}},
        {"name": "densite", "type": "number"},
        {"name": "mise_a_jour", "type": "datetime"},
        {"name": "actif", "type": "boolean"},
        {"name": "siren", "type": "string", "constraints": {"pattern": "^\\d{9}$"}},
        {"name": "note", "type": "integer", "constraints": {"minimum": 0, "maximum": 20}},
        {"name": "commentaire", "type": "string", "constraints": {"maxLength": 20}},
    ]
}  # fmt: skip


# The same with a text primary key, its ids in no order (as a table sorted on another
# column holds them): no key is then cheap to check.
KEYED_SCHEMA = {
    "fields": [{"name": "identifiant", "type": "string",
                "constraints": {"required": True, "unique": True}}, *OTHER_SCHEMA["fields"]],
    "primaryKey": ["identifiant"],
}  # fmt: skip


def other_table(rows: int, seed: int = 7, keyed: bool = False, first_id: int = 0) -> pa.Table:
    rng = np.random.default_rng(seed)
    seconds = rng.integers(0, 300_000_000, rows).astype("timedelta64[s]")
    density = rng.uniform(0, 20_000, rows)
    table = pa.table({
        "code_insee": np.char.zfill(rng.integers(1000, 99999, rows).astype(str), 5),
        "commune": np.array(COMMUNES)[rng.integers(0, len(COMMUNES), rows)],
        "population": rng.integers(0, 2_000_000, rows),
        "surface_km2": np.round(rng.uniform(0.1, 900, rows), 3),
        "densite": pa.array(density, mask=rng.random(rows) < 0.05),
        "mise_a_jour": pa.array(np.datetime64("2015-01-01T00:00:00") + seconds),
        "actif": rng.random(rows) < 0.5,
        "siren": np.char.zfill(rng.integers(0, 999_999_999, rows).astype(str), 9),
        "note": rng.integers(0, 21, rows),
        "commentaire": np.where(rng.random(rows) < 0.3, "",
                                np.char.add("obs ", rng.integers(0, 100_000, rows).astype(str))),
    })  # fmt: skip
    if keyed:
        ids = rng.permutation(rows) + first_id
        table = table.add_column(0, "identifiant", pa.array(np.char.add("CM-", np.char.zfill(
            ids.astype(str), 9))))  # fmt: skip
    return table


def write_other_shape(folder: Path, rows: int, keyed: bool = False) -> tuple[Path, Path]:
    """One table of another shape: every text quoted (as pyarrow writes it), accents, a
    nullable number, datetimes, fixed-width codes, no key (`keyed`: a text primary key
    in no order); as CSV and as Parquet."""
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "datapackage-parquet.json").exists():
        return folder / "datapackage.json", folder / "datapackage-parquet.json"
    table = other_table(rows, keyed=keyed)
    pa_csv.write_csv(table, str(folder / "communes.csv"))
    # The same typed table: the codes stay text (read back from the CSV they would be
    # integers, and lose their leading zeros).
    pq.write_table(table, folder / "communes.parquet")
    paths = []
    for name, fmt in (("datapackage.json", "csv"), ("datapackage-parquet.json", "parquet")):
        resource = {"name": "communes", "type": "table", "path": f"communes.{fmt}",
                    "format": fmt, "schema": KEYED_SCHEMA if keyed else OTHER_SCHEMA}  # fmt: skip
        path = folder / name
        path.write_text(json.dumps({"name": "other", "resources": [resource]}), encoding="utf-8")
        paths.append(path)
    return paths[0], paths[1]


# Written the French way: options that only change how a value is written.
FRENCH_SCHEMA = {
    "fields": [
        {"name": "montant", "type": "number", "decimalChar": ",", "groupChar": " ",
         "constraints": {"minimum": 0}},
        {"name": "date_acte", "type": "date", "format": "%d/%m/%Y",
         "constraints": {"required": True}},
        {"name": "horodatage", "type": "datetime"},
        {"name": "ouvert", "type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]},
        {"name": "mois", "type": "yearmonth"},
        {"name": "position", "type": "geopoint"},
        {"name": "code_postal", "type": "string", "constraints": {"pattern": "[0-9]{5}"}},
    ]
}  # fmt: skip


def write_french_shape(folder: Path, rows: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = folder / "datapackage.json"
    if descriptor.exists():
        return descriptor
    rng = np.random.default_rng(11)
    amounts = [f"{x:,.2f}".replace(",", " ").replace(".", ",")  # 1 234 567,89
               for x in rng.uniform(0, 2_000_000, rows).tolist()]  # fmt: skip
    days = np.datetime64("1990-01-01") + rng.integers(0, 12_000, rows).astype("timedelta64[D]")
    iso = np.datetime_as_string(days)
    stamps = np.datetime_as_string(np.datetime64("2015-01-01T00:00:00")
                                   + rng.integers(0, 3 * 10**8, rows).astype("timedelta64[s]"))
    table = pa.table({
        "montant": amounts,
        "date_acte": np.char.add(np.char.add(np.char.add(np.char.add(
            np.char.ljust(np.char.rpartition(iso, "-")[:, 2], 2), "/"),
            np.char.partition(np.char.partition(iso, "-")[:, 2], "-")[:, 0]), "/"),
            np.char.partition(iso, "-")[:, 0]),
        "horodatage": np.char.add(stamps, np.array(["+01:00", "+02:00"])[rng.integers(0, 2, rows)]),
        "ouvert": np.array(["oui", "non"])[rng.integers(0, 2, rows)],
        "mois": np.char.add(np.char.add(rng.integers(1990, 2030, rows).astype(str), "-"),
                            np.char.zfill(rng.integers(1, 13, rows).astype(str), 2)),
        "position": np.char.add(np.char.add(np.char.mod("%.5f", rng.uniform(-5, 9, rows)), ", "),
                                np.char.mod("%.5f", rng.uniform(41, 51, rows))),
        "code_postal": np.char.zfill(rng.integers(1000, 98000, rows).astype(str), 5),
    })  # fmt: skip
    pa_csv.write_csv(table, str(folder / "actes.csv"))
    resource = {"name": "actes", "type": "table", "path": "actes.csv", "format": "csv",
                "schema": FRENCH_SCHEMA}  # fmt: skip
    descriptor.write_text(json.dumps({"name": "french", "resources": [resource]}), encoding="utf-8")
    return descriptor


def write_single_file(folder: Path) -> tuple[Path, Path]:
    """facts.csv and its schema as a file of its own (a foreign key needs the package)."""
    schema = {key: value for key, value in FACTS_SCHEMA.items() if key != "foreignKeys"}
    path = folder / "facts.schema.json"
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    return folder / "facts.csv", path


def commands(folder: Path, limit_errors: int) -> dict[str, list[str]]:
    python, ddet = str(BIN / "python"), str(BIN / "ddet-data")
    facts, facts_schema = write_single_file(folder)
    validate = [ddet, "validate", "--json", "--limit-errors", str(limit_errors)]
    return {
        PACKAGE: [*validate, str(folder / "datapackage.json")],
        # The text report shows no md5 or sha256: they are not computed for it
        TEXT: [ddet, "validate", "--limit-errors", str(limit_errors),
               str(folder / "datapackage.json")],
        # An absolute path to a data file is one frictionless reads only when trusted
        SINGLE: [*validate, "--trusted", str(facts), "--schema", str(facts_schema)],
        PARQUET: [*validate, str(folder / "datapackage-parquet.json")],
        PARSE: [python, "-c", typed_parse(facts, FACTS_SCHEMA)],
        FRICTIONLESS: [str(BIN / "frictionless"), "validate", "--json",
                       "--limit-errors", str(limit_errors), str(folder / "datapackage.json")],
    }  # fmt: skip


def bench(
    title: str, todo: dict[str, list[str]], turns: int, frictionless_turns: int = 3
) -> dict[str, float]:
    """Each command as a whole process, the commands taking turns; medians and peak RSS.

    frictionless's turns come after the others': whatever ran right after one of its
    minutes-long runs came out up to 1.8 times slower than alone. One untimed run first
    settles the machine likewise."""
    print(f"\n## {title}")
    times: dict[str, list[float]] = {name: [] for name in todo}
    memory: dict[str, float] = {name: 0.0 for name in todo}
    codes: dict[str, int] = {}
    failures: dict[str, str] = {}
    run(next(iter(todo.values())))
    rounds = [[name for name in todo if name != FRICTIONLESS]] * turns
    rounds += [[FRICTIONLESS]] * frictionless_turns if FRICTIONLESS in todo else []
    for names in rounds:
        for name in names:
            command = todo[name]
            seconds, rss, code, last_line = run(command)
            times[name].append(seconds)
            memory[name] = max(memory[name], rss)
            codes[name] = code
            # Invalid data: ddet-data exits 3, frictionless 1 (with the report on stdout).
            if code not in ((0, 1) if name == FRICTIONLESS else (0, 3)):
                failures[name] = last_line
    print(f"{'command':44} {'median s':>9} {'peak MB':>8} {'exit':>5}")
    for name in todo:
        median = statistics.median(times[name])
        print(f"{name:44} {median:9.2f} {memory[name]:8.0f} {codes[name]:5}")
    for name, line in failures.items():
        print(f"  {name} failed: {line}")
    medians = {name: statistics.median(values) for name, values in times.items()}
    medians.update({f"{name} MB": memory[name] for name in todo})
    return medians


def ratio(line: str, value: float, target: str) -> None:
    print(f"  {line:58} {value:7.2f}x  (target {target})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="500000,2000000", help="comma-separated sizes")
    # Timings move by 10-30% from one run to the next here: 7 turns steady the medians
    # of the short runs; frictionless's minutes-long ones take 3.
    parser.add_argument("--turns", type=int, default=7)
    parser.add_argument("--frictionless-turns", type=int, default=3)
    parser.add_argument("--skip-big", action="store_true", help="no memory check on ~1 GB CSVs")
    parser.add_argument("--skip-frictionless", action="store_true")
    options = parser.parse_args(argv)
    skip = {FRICTIONLESS} if options.skip_frictionless else set()
    print(f"load average before the run: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores")  # fmt: skip

    tiny = write_package(OUT / "tiny", 40)
    write_parquet_package(OUT / "tiny", tiny)
    floor = "import pyarrow.csv, pyarrow.compute, pyarrow.parquet"
    # The same size in the other shape: French text with accents and no declared
    # encoding, which the encoding detection must read.
    tiny_other, _ = write_other_shape(OUT / "tiny-other", 40)
    tiny_times = bench("a tiny package (40 rows)", {
        PACKAGE: [str(BIN / "ddet-data"), "validate", str(tiny)],
        TINY_OTHER: [str(BIN / "ddet-data"), "validate", str(tiny_other)],
        IMPORTS: [str(BIN / "python"), "-c", floor],
    }, options.turns)  # fmt: skip
    results = {}
    for rows in [int(size) for size in options.rows.split(",")]:
        folder = OUT / f"rows-{rows}"
        descriptor = write_package(folder, rows)
        write_parquet_package(folder, descriptor)
        todo = {k: v for k, v in commands(folder, 1000).items() if k not in skip}
        size = (folder / "facts.csv").stat().st_size / 1e6
        results[rows] = bench(f"{rows:,} rows, 8 columns + a foreign key ({size:.0f} MB CSV)",
                              todo, options.turns, options.frictionless_turns)  # fmt: skip
    other_csv, other_parquet = write_other_shape(OUT / "other", 1_000_000)
    ddet_validate = [str(BIN / "ddet-data"), "validate", "--json"]
    other = bench("another shape: 1,000,000 rows of 10 columns, quoted text, datetimes", {
        PACKAGE: [*ddet_validate, str(other_csv)],
        TEXT: [str(BIN / "ddet-data"), "validate", str(other_csv)],
        PARQUET: [*ddet_validate, str(other_parquet)],
        PARSE: [str(BIN / "python"), "-c", typed_parse(other_csv.parent / "communes.csv",
                                                       OTHER_SCHEMA)],
    }, options.turns)  # fmt: skip
    keyed_csv, keyed_parquet = write_other_shape(OUT / "other-key", 1_000_000, keyed=True)
    keyed = bench("the other shape with a text primary key in no order, 1,000,000 rows", {
        PACKAGE: [*ddet_validate, str(keyed_csv)],
        PARQUET: [*ddet_validate, str(keyed_parquet)],
        PARSE: [str(BIN / "python"), "-c", typed_parse(keyed_csv.parent / "communes.csv",
                                                       KEYED_SCHEMA)],
    }, options.turns)  # fmt: skip
    french_csv = write_french_shape(OUT / "french", 500_000)
    french = bench("written the French way: 500,000 rows, decimal commas, DD/MM/YYYY, offsets", {
        PACKAGE: [*ddet_validate, str(french_csv)],
        FRICTIONLESS: [str(BIN / "frictionless"), "validate", "--json", str(french_csv)],
    } if FRICTIONLESS not in skip else {PACKAGE: [*ddet_validate, str(french_csv)]},
        options.turns, options.frictionless_turns)  # fmt: skip
    spoiled = write_package(OUT / "errors", min(results), error_share=0.01)
    write_parquet_package(OUT / "errors", spoiled)
    every = min(results) * 2
    errors = bench(f"{min(results):,} rows, 1% of rows in error (no error limit)", {
        PACKAGE: commands(OUT / "errors", every)[PACKAGE],
        PARQUET: commands(OUT / "errors", every)[PARQUET],
    }, options.turns)  # fmt: skip
    same = same_findings(OUT / "errors", every)

    print("\n## ratios (medians of whole processes, measured side by side above)")
    ratio("tiny package / import pyarrow.csv, .compute, .parquet",
          tiny_times[PACKAGE] / tiny_times[IMPORTS], "<= 1.5x")  # fmt: skip
    ratio("tiny package, other shape (accents) / the same imports",
          tiny_times[TINY_OTHER] / tiny_times[IMPORTS], "<= 1.5x")  # fmt: skip
    for rows, times in results.items():
        if FRICTIONLESS in times:
            target = ">= 20x" if rows <= 500_000 else ">= 30x"
            ratio(f"{rows:,} rows: frictionless / ddet-data (package)",
                  times[FRICTIONLESS] / times[PACKAGE], target)  # fmt: skip
        ratio(f"{rows:,} rows: ddet-data (package) / bare typed parse",
              times[PACKAGE] / times[PARSE], "<= 2x")  # fmt: skip
        ratio(f"{rows:,} rows: ddet-data (package, text report) / bare typed parse",
              times[TEXT] / times[PARSE], "<= 2x")  # fmt: skip
        ratio(f"{rows:,} rows: CSV with --schema / CSV in the package",
              times[SINGLE] / times[PACKAGE], "~1x")  # fmt: skip
        ratio(f"{rows:,} rows: CSV package / Parquet package",
              times[PACKAGE] / times[PARQUET], ">= 2x")  # fmt: skip
    ratio("another shape: ddet-data (CSV) / bare typed parse", other[PACKAGE] / other[PARSE],
          "<= 2x")  # fmt: skip
    ratio("another shape: ddet-data (CSV, text report) / bare typed parse",
          other[TEXT] / other[PARSE], "<= 2x")  # fmt: skip
    ratio("another shape: CSV / Parquet", other[PACKAGE] / other[PARQUET], ">= 2x")
    ratio("text key: ddet-data (CSV) / bare typed parse", keyed[PACKAGE] / keyed[PARSE],
          "<= 2x")  # fmt: skip
    ratio("text key: CSV / Parquet", keyed[PACKAGE] / keyed[PARQUET], ">= 2x")
    if FRICTIONLESS in french:
        ratio("French way, 500,000 rows: frictionless / ddet-data",
              french[FRICTIONLESS] / french[PACKAGE], ">= 20x")  # fmt: skip
    ratio("1% errors: CSV package / Parquet package", errors[PACKAGE] / errors[PARQUET], ">= 2x")
    print(f"  1% errors: the same findings from CSV and Parquet: {same}")
    if not options.skip_big:
        big = write_big_package(OUT / "big", 1_000_000_000)
        big_command = {PACKAGE: commands(big.parent, 1000)[PACKAGE]}
        big_times = bench("memory on a ~1 GB CSV", big_command, 1)
        print(f"  peak memory on ~1 GB: {big_times[PACKAGE + ' MB']:.0f} MB (target < 500 MB)")
        big_keyed = write_big_keyed(OUT / "big-key", 1_000_000_000)
        keyed_times = bench("memory on a ~1 GB CSV with a text key", {
            PACKAGE: [*ddet_validate, str(big_keyed)]}, 1)  # fmt: skip
        print(f"  peak memory on ~1 GB, text key: {keyed_times[PACKAGE + ' MB']:.0f} MB "
              "(target < 500 MB)")  # fmt: skip
    print(f"load average after the run: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


def same_findings(folder: Path, limit_errors: int) -> bool:
    """(type, row, field) of every error, from the CSV and from the Parquet package."""
    found = []
    for name in ("datapackage.json", "datapackage-parquet.json"):
        command = [str(BIN / "ddet-data"), "validate", "--json", "--limit-errors",
                   str(limit_errors), str(folder / name)]  # fmt: skip
        report = json.loads(subprocess.run(command, capture_output=True, text=True).stdout)
        found.append(sorted((t["name"], e["type"], e.get("rowNumber"), e.get("fieldName"))
                            for t in report["tasks"] for e in t["errors"]
                            if e["type"] not in ("hash-count", "byte-count")))  # fmt: skip
    return found[0] == found[1] and bool(found[0])


if __name__ == "__main__":
    sys.exit(main())
