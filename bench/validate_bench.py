"""Time the fast engine against stock frictionless and a bare pyarrow parse.

    .venv/bin/python bench/validate_bench.py [--rows N] [--turns K] [--big]

Generates, under bench/out/, a package of two CSV tables: `facts` (N rows, 8 columns:
a unique integer key, bounded numbers and integers, dates, booleans, enum and
patterned strings, and a foreign key) and `regions`, which `facts` references. A
second copy carries errors in 1% of its rows, a third holds the same tables as Parquet.
Each command runs as a whole process, the commands taking turns K times; the script
prints the median wall time, the ratio to the reference (the CLI the issue names,
`ddet-data validate --engine fast --json`) and the peak resident memory of each. A
command that fails shows the last line of its error output.

`--big` adds a memory check of the fast engine on a ~1 GB CSV (slow to generate).
"""

from __future__ import annotations

import argparse
import json
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
CLI = "ddet-data validate --engine fast"
MODULE = "fast engine (bench/fast_engine.py)"
PARSE = "bare pyarrow parse"
FRICTIONLESS = "frictionless validate"
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


def commands(descriptor: Path, limit_errors: int) -> dict[str, list[str]]:
    python = str(BIN / "python")
    facts = str(descriptor.parent / "facts.csv")
    parse = f"import pyarrow.csv as c; c.read_csv({facts!r})"
    return {
        CLI: [str(BIN / "ddet-data"), "validate", "--engine", "fast", "--json",
              "--limit-errors", str(limit_errors), str(descriptor)],
        MODULE: [python, str(ROOT / "bench" / "fast_engine.py"), str(descriptor),
                 "--limit-errors", str(limit_errors)],
        FRICTIONLESS: [str(BIN / "frictionless"), "validate", "--json",
                       "--limit-errors", str(limit_errors), str(descriptor)],
        PARSE: [python, "-c", parse],
    }  # fmt: skip


def bench(title: str, descriptor: Path, turns: int, limit_errors: int, skip: set[str]) -> dict:
    data = descriptor.parent / "facts.csv"
    if "parquet" in descriptor.name:
        data = data.with_suffix(".parquet")
    print(f"\n## {title}  ({descriptor.parent.name}, {data.name} "
          f"{data.stat().st_size / 1e6:.0f} MB)")  # fmt: skip
    todo = {
        name: cmd for name, cmd in commands(descriptor, limit_errors).items() if name not in skip
    }
    times: dict[str, list[float]] = {name: [] for name in todo}
    memory: dict[str, float] = {name: 0.0 for name in todo}
    codes: dict[str, int] = {}
    failures: dict[str, str] = {}
    for _ in range(turns):
        for name, command in todo.items():
            seconds, rss, code, last_line = run(command)
            times[name].append(seconds)
            memory[name] = max(memory[name], rss)
            codes[name] = code
            # Invalid data: ddet-data exits 3, frictionless 1 (with the report on stdout).
            if code not in ((0, 1) if name == FRICTIONLESS else (0, 3)):
                failures[name] = last_line
    reference = statistics.median(times[CLI])
    print(f"{'command':36} {'median s':>9} {'x ref':>8} {'peak MB':>8} {'exit':>5}")
    for name in todo:
        median = statistics.median(times[name])
        print(
            f"{name:36} {median:9.2f} {median / reference:8.2f} {memory[name]:8.0f} {codes[name]:5}"
        )
    for name, line in failures.items():
        print(f"  {name} failed: {line}")
    medians = {name: statistics.median(values) for name, values in times.items()}
    medians["peak MB"] = memory[CLI]
    return medians


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--big", action="store_true", help="also check memory on a ~1 GB CSV")
    parser.add_argument("--skip-frictionless", action="store_true")
    options = parser.parse_args(argv)
    skip = {"frictionless validate"} if options.skip_frictionless else set()

    clean = write_package(OUT / "clean", options.rows)
    spoiled = write_package(OUT / "errors", options.rows, error_share=0.01)
    parquet = write_parquet_package(OUT / "clean", clean)
    # Errors are counted in full (no early stop) so the 1% case costs what it costs.
    everything = options.rows * 2
    clean_times = bench("valid data", clean, options.turns, 1000, skip)
    error_times = bench("1% of rows with errors (no error limit)", spoiled, options.turns,
                        everything, skip)  # fmt: skip
    parquet_times = bench("valid data as Parquet", parquet, options.turns, 1000,
                          skip | {FRICTIONLESS, PARSE})  # fmt: skip
    print("\n## against the targets (the CLI, valid data)")
    if FRICTIONLESS in clean_times:
        speedup = clean_times[FRICTIONLESS] / clean_times[CLI]
        print(f"faster than frictionless: {speedup:.1f}x (target >= 20x, aim 50x)")
    print(f"slower than a bare parse: {clean_times[CLI] / clean_times[PARSE]:.2f}x (target <= 3x)")
    print(f"1% errors vs valid: {error_times[CLI] / clean_times[CLI]:.2f}x (target <= 2x)")
    print(f"Parquet vs CSV: {parquet_times[CLI] / clean_times[CLI]:.2f}x")
    if options.big:
        big = write_big_package(OUT / "big", 1_000_000_000)
        big_times = bench("memory on a ~1 GB CSV", big, 1, 1000, {FRICTIONLESS})
        print(f"peak memory on ~1 GB: {big_times['peak MB']:.0f} MB (target < 500 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
