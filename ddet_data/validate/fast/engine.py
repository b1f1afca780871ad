"""The fast engine: frictionless's findings on a CSV or Parquet resource, from Arrow batches.

`validate_resource_fast` streams the file in batches of string columns (source),
tests every column at once and hands the doubtful cells to a cell reader, frictionless's
or the same one written here (cells, readers), tracks unique, primary and foreign keys
as hashes, or as plain integers for one-field integer keys (keys), and replays
frictionless's order of errors within a row (findings). Memory holds a few batches
plus 8 bytes per key of a unique field or primary key (their repeats are found by one
sort after the last batch), and next to nothing for integer keys met in ascending order.
A Parquet file is read as the CSV pyarrow's writer makes of it (source).

Whatever it cannot promise to read as frictionless does raises `Unsupported`; the
caller then validates that resource with frictionless.
"""

from __future__ import annotations

import copy
import functools
import math
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ...errors import Unsupported
from .. import local_data_format, path_format
from .cells import FieldCheck
from .digests import FileDigest, digest_of
from .findings import IntegrityPlan, RowFinding, row_errors
from .forms import arrow_of
from .keys import (
    IntKeyLookup,
    IntKeys,
    KeyLookup,
    SeenKeys,
    hash_keys,
    in_sorted,
    sorted_distinct,
)
from .schema import FieldSpec, read_light_schema
from .source import (
    READ_COMPRESSED,
    Batch,
    CsvSource,
    NeedsExactReader,
    ParquetSource,
    as_csv_text,
    open_csv_source,
    open_parquet_source,
)

__all__ = ["Unsupported", "validate_file_fast", "validate_resource_fast"]

_SCHEMA_KEYS = {"fields", "primaryKey", "foreignKeys", "missingValues", "$schema", "name",
                "title", "description", "profile", "fieldsMatch"}  # fmt: skip
PARALLEL_ROWS = 20_000  # below this, handing columns to threads costs more than it saves
_PK_NULL_NOTE = 'cells composing the primary keys are all "None"'
_FIRST_REPEAT_COUNT = 1 << 20  # keys recorded before repeats are first counted (each count
# sorts them all: below a million rows, one sort at the end is enough)


def validate_resource_fast(
    resource: dict,
    basepath: str | Path,
    package: dict | None = None,
    limit_errors: int = 1000,
    progress: Callable[[int], None] | None = None,
    hashes: bool = True,
) -> dict:
    """One task of frictionless's report for a CSV or Parquet `resource`, or `Unsupported`.

    `hashes` False: no md5 or sha256 in the task's stats, unless the resource declares
    a hash to check."""
    skip_pandas_probe()
    basepath = Path(basepath)
    try:
        return _validate(resource, basepath, package, limit_errors, progress, False, hashes)
    except NeedsExactReader:
        return _validate(resource, basepath, package, limit_errors, progress, True, hashes)


def validate_file_fast(resource: dict, basepath: str | Path) -> dict:
    """frictionless's task for a `"type": "file"` resource: its size and hash checked."""
    started = time.perf_counter()
    where = resource.get("path")
    if not isinstance(where, str) or "://" in where or not (Path(basepath) / where).is_file():
        raise Unsupported("the file is not one local file")
    digest = digest_of(Path(basepath) / where).wait()
    errors = _declared_stats_errors(resource, digest, 0, 0)
    return {
        "name": resource.get("name"),
        "type": "file",
        "valid": not errors,
        "place": where,
        "labels": [],
        "stats": {
            "errors": len(errors),
            "warnings": 0,
            "seconds": round(time.perf_counter() - started, 3),
            "md5": digest.md5,
            "sha256": digest.sha256,
            "bytes": digest.bytes,
        },
        "warnings": [],
        "errors": errors,
    }


def skip_pandas_probe() -> None:
    """Spare a fresh process pyarrow's import of pandas (~0.2 s, a tenth of a run).

    pyarrow imports pandas the first time it converts any Python value, only to ask
    whether the value is a pandas object (ours never are). With pandas hidden for that
    first probe pyarrow notes "no pandas" for such questions, and still imports it
    where it needs it (`to_pandas` tries again).
    """
    if "pandas" in sys.modules:
        return
    sys.meta_path.insert(0, _HidePandas)
    try:
        pa.scalar(0)
    finally:
        sys.meta_path.remove(_HidePandas)


class _HidePandas:
    @staticmethod
    def find_spec(name: str, *args: Any) -> None:
        if name == "pandas":
            raise ImportError("pandas hidden from pyarrow's first probe")


def _validate(
    resource, basepath, package, limit_errors, progress, exact: bool, hashes: bool
) -> dict:
    started = time.perf_counter()
    table = _open_table(resource, Path(basepath))
    table.source.exact = exact
    names = {r.get("name") for r in (package or {}).get("resources", []) if isinstance(r, dict)}
    for fk in resource["schema"].get("foreignKeys") or []:
        other = (fk.get("reference") or {}).get("resource") if isinstance(fk, dict) else None
        if other and other != resource.get("name") and other not in names:
            # frictionless stops at opening the lookup, before any row: its error
            raise Unsupported(f"foreign key to a missing resource {other!r}")
    # frictionless reads a Parquet file by its path, not through its byte stream: it
    # reports no size or hash of one (and checks no declared hash against it).
    digest = None
    if not isinstance(table.source, ParquetSource):
        digest = digest_of(table.source.path, digests=hashes or bool(resource.get("hash")))
        digest.start()  # on another core, while the batches are read (unless begun early)
    lookups = [
        _read_lookup(group, resource, table, Path(basepath), package)
        for group in table.foreign_keys
    ]
    header_errors = list(table.header_errors)
    findings: list[RowFinding] = []
    known = len(header_errors)
    rows = 0
    stopped_early = False
    repeats = 0  # rows repeating an earlier row's unique or primary key, when last counted
    next_count = _FIRST_REPEAT_COUNT
    for batch in _batches(table, lookups):
        found = _check_batch(table, batch, lookups)
        findings.extend(found)
        known += sum(finding.count_known() for finding in found)
        rows = batch.start + batch.num_rows
        if progress:
            progress(rows)
        if limit_errors and table.keys_recorded() >= next_count:
            # Repeated keys are errors too: counted now and then (a count sorts the
            # keys, hence at each doubling), so that a file of repeats stops near its limit.
            next_count = 2 * table.keys_recorded()
            repeats = table.repeat_count()
        if limit_errors and known + repeats >= limit_errors:
            # The limit is reached within what was read: later rows cannot matter.
            stopped_early = True
            break
    findings = _add_repeats(table, findings, lookups, limit_errors)

    errors = header_errors
    warnings: list[str] = []
    partial = False
    if limit_errors and rows and len(errors) >= limit_errors:
        first = findings[0] if findings and findings[0].index == 0 else None
        errors += row_errors(first, table.plan) if first else []
        errors, rows, partial = errors[:limit_errors], 1, True
    else:
        for finding in findings:
            errors += row_errors(finding, table.plan)
            if limit_errors and len(errors) >= limit_errors:
                errors, rows, partial = errors[:limit_errors], finding.index + 1, True
                break
    if stopped_early and not partial:
        raise Unsupported("internal: stopped before the error limit")  # cannot happen
    if partial:
        warnings.append(f"reached error limit: {limit_errors}")
    if digest is not None:
        digest.wait()
    fields = len(table.schema.fields)
    if not partial:
        errors += _declared_stats_errors(resource, digest, fields, rows)

    stats: dict[str, Any] = {
        "errors": len(errors),
        "warnings": len(warnings),
        "seconds": round(time.perf_counter() - started, 3),
    }
    if digest is not None and digest.digests:
        stats.update(md5=digest.md5, sha256=digest.sha256)
    if digest is not None:
        stats["bytes"] = digest.bytes
    if fields:
        stats["fields"] = fields
    if rows:
        stats["rows"] = rows
    return {
        "name": resource.get("name"),
        "type": "table",
        "valid": not errors,
        "place": _place(resource, table.source),
        "labels": table.source.labels,
        "stats": stats,
        "warnings": warnings,
        "errors": errors,
    }


def _place(resource: dict, source: Any) -> str:
    """frictionless's `Resource.place`: the path, and the file read in a zip archive."""
    member = getattr(source, "member", None)
    return f"{resource['path']} -> {member}" if member else resource["path"]


class _Table:
    """A resource opened for checking: its source, header, field checks and keys."""

    def __init__(
        self,
        source: CsvSource | ParquetSource,
        schema: Any,
        fields: list[FieldSpec],
        header_errors: list[dict],
        name: str | None,
    ):
        self.source = source
        self.schema = schema  # a LightSchema, or frictionless's Schema
        self.header_errors = header_errors
        self.checks = [FieldCheck(field, position) for position, field in enumerate(fields)]
        names = [field.name for field in fields]
        self.width = len(fields)
        unique = [i for i, field in enumerate(fields) if (field.constraints or {}).get("unique")]
        primary = list(schema.primary_key)
        primary_positions = (
            [names.index(n) for n in primary] if primary and set(primary) <= set(names) else []
        )
        self.foreign_keys: list[dict] = []
        for fk in schema.foreign_keys:
            target = list(fk["fields"])
            if not set(target) <= set(names):
                continue
            self.foreign_keys.append({
                "positions": [names.index(n) for n in target],
                "fields": target,
                "resource": fk["reference"].get("resource") or name,
                # frictionless names the lookup as the schema writes it ("": this one)
                "reference_name": fk["reference"].get("resource") or "",
                "reference_fields": list(fk["reference"]["fields"]),
            })  # fmt: skip
        self.plan = IntegrityPlan(
            field_names=names,
            unique_fields=unique,
            primary_key_fields=primary_positions,
            foreign_key_groups=[group["positions"] for group in self.foreign_keys],
        )
        self.key_positions = set(unique) | set(primary_positions)
        for group in self.foreign_keys:
            self.key_positions |= set(group["positions"])
        self.seen_unique = {position: _seen_keys(self.checks, [position]) for position in unique}
        self.seen_primary = (
            _seen_keys(self.checks, primary_positions) if primary_positions else None
        )
        # A one-field primary key that is also unique finds the same repeats: track once.
        self.primary_shares_unique = len(primary_positions) == 1 and primary_positions[0] in unique

    def keys_recorded(self) -> int:
        recorded = [len(seen) for seen in self.seen_unique.values()]
        if self.seen_primary is not None:
            recorded.append(len(self.seen_primary))
        return max(recorded, default=0)

    def repeats(self) -> tuple[dict[int, tuple[np.ndarray, np.ndarray]], tuple | None]:
        """(row numbers, previous row numbers) of the repeats of each unique field, and
        of the primary key (None without one)."""
        unique = {position: seen.repeats() for position, seen in self.seen_unique.items()}
        if self.seen_primary is None:
            return unique, None
        if self.primary_shares_unique:
            return unique, unique[self.plan.primary_key_fields[0]]
        return unique, self.seen_primary.repeats()

    def repeat_count(self) -> int:
        """Errors the repeats make: one a unique field, one the primary key, per row."""
        unique, primary = self.repeats()
        return sum(len(rows) for rows, _ in unique.values()) + (
            len(primary[0]) if primary is not None else 0
        )


def _seen_keys(checks: list[FieldCheck], positions: list[int]) -> SeenKeys | IntKeys:
    if len(positions) == 1 and checks[positions[0]].key_kind() == "int":
        return IntKeys()
    return SeenKeys()


def _key_of(parts: list[tuple[Any, np.ndarray]], present: np.ndarray, seen: Any) -> np.ndarray:
    """What `seen` takes for the present rows: integers as they are, else hashes."""
    if isinstance(seen, (IntKeys, IntKeyLookup)):
        return parts[0][0][present]
    return hash_keys([(_take(values, present), nulls[present]) for values, nulls in parts])


def _open_table(resource: dict, basepath: Path) -> _Table:
    fmt = local_data_format(resource)
    if fmt is None:
        raise Unsupported("the data is not one local file")
    if resource.get("extrapaths"):
        raise Unsupported("extrapaths: frictionless reads the files as one")
    where = resource["path"]
    # As frictionless: compression and format declared, else told by the path's suffixes.
    compression = resource.get("compression") or path_format(where)[1]
    if fmt not in ("csv", "tsv", "parquet"):
        raise Unsupported(f"format {fmt or 'unknown'} (the fast engine reads CSV and Parquet)")
    if compression and (compression not in READ_COMPRESSED or fmt == "parquet"):
        raise Unsupported(f"{compression} compression")
    path = basepath / where
    if not path.is_file():
        raise Unsupported(f"{where}: no such file (frictionless reports it)")
    descriptor = resource.get("schema")
    if not isinstance(descriptor, dict):
        raise Unsupported("schema not given as a dict")
    unknown = set(descriptor) - _SCHEMA_KEYS
    if unknown:
        raise Unsupported(f"schema properties {sorted(unknown)}")
    if descriptor.get("fieldsMatch", "exact") != "exact":
        raise Unsupported(f"fieldsMatch {descriptor['fieldsMatch']!r}")
    light = read_light_schema(descriptor)
    if fmt == "parquet":
        source = open_parquet_source(path)
    else:  # frictionless takes the format from the path when none is declared
        source = open_csv_source(path, {**resource, "format": fmt}, compression)
    name = resource.get("name")
    if (
        light is not None
        and source.header_case
        and source.labels == [spec.name for spec in light.fields]
    ):
        # Labels equal to the (distinct, non-empty) field names: no label error to report.
        return _Table(source, light, light.fields, [], name)
    from frictionless import Schema
    from frictionless.table import Header

    try:
        schema = Schema.from_descriptor(copy.deepcopy(descriptor))
    except Exception as exc:  # frictionless reports invalid schemas itself
        raise Unsupported(f"schema not understood: {exc}") from exc
    header = Header(
        source.labels,
        fields=schema.fields,
        row_numbers=source.header_rows,
        ignore_case=not source.header_case,
    )
    fields = [FieldSpec.from_frictionless(field) for field in header.get_expected_fields()]
    if not source.labels:
        source.width = len(fields)  # no header: a record has as many cells as the schema
    return _Table(source, schema, fields, [error.to_dict() for error in header.errors], name)


def _check_batch(table: _Table, batch: Batch, lookups: list) -> list[RowFinding]:
    findings: dict[int, RowFinding] = {}

    def finding(index: int) -> RowFinding:
        if index not in findings:
            # (cells filled at the end)
            number = None if batch.row_numbers is None else int(batch.row_numbers[index])
            findings[index] = RowFinding(
                batch.start + index, [], first_row=table.source.first_row, number=number
            )
        return findings[index]

    blank = np.ones(batch.num_rows, dtype=bool)
    empty_lines = _empty_lines(batch)
    keys: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for check, verdict in zip(table.checks, _column_verdicts(table, batch), strict=True):
        missing, sure, doubtful, sources, typed = verdict
        blank &= missing
        targets: dict[int, Any] = {}
        for index, source in zip(doubtful, sources, strict=True):
            target, notes = check.read(source)
            targets[int(index)] = target
            if notes:
                finding(int(index)).cell_notes[check.position] = [
                    ("type" if kind == "type" else "constraint", note, source)
                    for kind, note in notes.items()
                ]
        if check.position in table.key_positions and not _unread(batch, check.position):
            values, nulls = _key_values(check, batch, typed, sure, missing, targets)
            keys[check.position] = (values, nulls if empty_lines is None else nulls | empty_lines)

    for index, cells in batch.ragged.items():
        if len(cells) > table.width:
            extra = cells[table.width :]
            finding(index).extra = [(table.width + 1 + k, c) for k, c in enumerate(extra)]
        else:
            finding(index).missing = list(range(len(cells), table.width))
    if empty_lines is not None:
        blank |= empty_lines
    for index in np.flatnonzero(blank) if table.width else []:
        finding(int(index)).blank = True

    # Unique and primary keys are recorded; their repeats are found after the last
    # batch (`_add_repeats`), by one sort.
    first_row = table.source.first_row
    for position, seen in table.seen_unique.items():
        present = np.flatnonzero(~keys[position][1])
        seen.add(_key_of([keys[position]], present, seen), batch.numbers(present, first_row))
    if table.seen_primary is not None:
        parts = [keys[p] for p in table.plan.primary_key_fields]
        all_null = np.logical_and.reduce([nulls for _, nulls in parts])
        for index in np.flatnonzero(all_null):
            finding(int(index)).primary_key = _PK_NULL_NOTE
        if not table.primary_shares_unique:
            present = np.flatnonzero(~all_null)
            seen = table.seen_primary
            seen.add(_key_of(parts, present, seen), batch.numbers(present, first_row))
    for group_index, (group, lookup) in enumerate(zip(table.foreign_keys, lookups, strict=True)):
        if any(p not in keys for p in group["positions"]):
            continue  # left unread: its lookup holds every value its statistics allow
        parts = [keys[p] for p in group["positions"]]
        all_null = np.logical_and.reduce([nulls for _, nulls in parts])
        present = np.flatnonzero(~all_null)
        dangling = present[np.flatnonzero(~lookup.contains(_key_of(parts, present, lookup)))]
        texts = [batch.text(p, dangling) for p in group["positions"]]
        for row, index in enumerate(dangling.tolist()):
            values = [
                table.checks[p].read(text[row])[0]
                for p, text in zip(group["positions"], texts, strict=True)
            ]
            note = (
                f'for "{", ".join(group["fields"])}": '
                f'values "{", ".join(str(value) for value in values)}" '
                f'not found in the lookup table "{group["reference_name"]}" '
                f'as "{", ".join(group["reference_fields"])}"'
            )
            finding(index).foreign_keys[group_index] = {
                "note": note,
                "field_names": group["fields"],
                "field_cells": [str(v) if v is not None else "" for v in values],
                "reference_name": group["reference_name"],
                "reference_field_names": group["reference_fields"],
            }
    found = [findings[index] for index in sorted(findings)]
    _fill_cells(found, batch, empty_lines)
    return found


def _column_verdicts(table: _Table, batch: Batch) -> list[tuple]:
    """Per column: (missing, sure, doubtful positions, their text, the typed column when
    its masks came from its Arrow values, else None).

    This is the vectorized work, done by Arrow and numpy with the GIL released: on a
    large batch the columns are spread over the cores."""
    if batch.num_rows < PARALLEL_ROWS or len(table.checks) < 2:
        return [_column_verdict(check, batch) for check in table.checks]
    return list(_column_pool().map(lambda check: _column_verdict(check, batch), table.checks))


def _batches(table: _Table, lookups: list) -> Any:
    if not isinstance(table.source, ParquetSource):
        return table.source.batches()
    checks, kinds = table.checks, table.source.types
    if table.source.labels != [check.name for check in checks]:
        return table.source.batches()  # columns and fields differ: every column is read
    # Key values are needed, but for a foreign key of one integer field (in no other
    # key) when its lookup holds every integer between the column's min and max.
    groups = [group["positions"] for group in table.foreign_keys]
    in_groups = Counter(position for positions in groups for position in positions)
    ranges = {  # position -> the lookup that may prove it
        positions[0]: lookup
        for positions, lookup in zip(groups, lookups, strict=True)
        if len(positions) == 1 and in_groups[positions[0]] == 1
        and isinstance(lookup, IntKeyLookup)
    }  # fmt: skip
    needed = set(table.plan.unique_fields) | set(table.plan.primary_key_fields)
    needed |= set(in_groups) - set(ranges)

    def proven(stats: list[Any]) -> set[int]:
        """The columns a row group's statistics prove valid and present in every row
        (so no row is blank either), and whose values no key check needs."""
        found = set()
        for check in checks:
            position, column_stats = check.position, stats[check.position]
            if position in needed or not check.proven_by_statistics(kinds[position], column_stats):
                continue
            lookup = ranges.get(position)
            if lookup is None or lookup.covers(*_int_range(column_stats)):
                found.add(position)
        return found

    return table.source.batches(proven)


def _int_range(stats: Any) -> tuple[float, float]:
    """A column's (min, max) from its statistics, or a range no lookup covers."""
    if stats is not None and stats.has_min_max and isinstance(stats.min, int):
        return stats.min, stats.max
    return math.inf, -math.inf


def _empty_lines(batch: Batch) -> np.ndarray | None:
    """The rows of a one-column Parquet batch whose cell is null. pyarrow's writer puts
    them as empty lines, which frictionless reads as blank rows of no cells, whatever the
    missing values (an empty text is written "", one cell)."""
    if batch.typed is None or len(batch.typed) != 1 or batch.typed[0] is None:
        return None
    if not batch.typed[0].null_count:
        return None
    return batch.typed[0].is_null().to_numpy(zero_copy_only=False)


def _unread(batch: Batch, position: int) -> bool:
    """A Parquet column its row group's statistics proved: not read."""
    return batch.typed is not None and batch.typed[position] is None


def _column_verdict(check: FieldCheck, batch: Batch) -> tuple:
    if _unread(batch, check.position):
        # Proven by its row group's statistics: every cell present and valid.
        rows = batch.num_rows
        return np.zeros(rows, bool), np.ones(rows, bool), np.empty(0, np.int64), [], None
    typed = batch.typed[check.position] if batch.typed else None
    if typed is not None and pa.types.is_dictionary(typed.type):
        return _dictionary_verdict(check, typed)
    masks = None
    if typed is not None:
        stats = batch.stats[check.position] if batch.stats else None
        masks = check.typed_masks(typed, stats)
    if masks is not None:
        # A typed Parquet column: no text is made but for the doubtful cells.
        missing, sure = masks
        doubtful = np.flatnonzero(~sure)
        sources = as_csv_text(typed.take(arrow_of(doubtful))).to_pylist()
        return missing, sure, doubtful, sources, typed
    column = batch.columns[check.position]
    encoded = _few_values(check, column) if _costly(check) else None
    if encoded is not None:
        return _dictionary_verdict(check, encoded)
    missing_array = check.missing_mask(column)
    missing = missing_array.to_numpy(zero_copy_only=False)
    sure = check.sure_mask(column, missing_array).to_numpy(zero_copy_only=False)
    doubtful = np.flatnonzero(~sure)
    return missing, sure, doubtful, column.take(arrow_of(doubtful)).to_pylist(), None


# Encoding a column costs about 10 ms a million cells; a check of its distinct values
# only, instead of every cell, pays for it when the cells repeat this much.
_FEW_VALUES_SAMPLE = 1024
_FEW_VALUES_SHARE = 8  # at most 1 distinct value in 8 sampled cells
_ENCODED_SHARE = 16  # at most 1 distinct value in 16 cells, else encoding was waste


def _costly(check: FieldCheck) -> bool:
    """Checks of a text column that cost more than encoding it: regexes, re-spellings,
    parses (a plain string or integer, or a boolean, is cheaper checked as it is)."""
    if check.type == "string":
        return check.format not in ("default", None) or any(
            name in check.constraints for name in ("pattern", "enum", "minLength", "maxLength")
        )
    return check.type not in ("any", "integer", "boolean")


def _few_values(check: FieldCheck, column: pa.Array) -> pa.DictionaryArray | None:
    """The column as a dictionary when its cells repeat a few values (a département,
    a status, the dates of a few years). Judged once, on cells spread over the first
    large batch: a sample costs as much as encoding a batch."""
    if check.repeats is False or len(column) < PARALLEL_ROWS:
        return None
    if check.repeats is None:
        step = len(column) // _FEW_VALUES_SAMPLE
        sample = column.take(pa.array(range(0, len(column), step), pa.int64()))
        check.repeats = len(pc.unique(sample)) * _FEW_VALUES_SHARE <= len(sample)
        if not check.repeats:
            return None
    encoded = pc.dictionary_encode(column)
    if len(encoded.dictionary) * _ENCODED_SHARE > len(column):
        check.repeats = False  # the later batches are read cell by cell
        return None
    return encoded


def _dictionary_verdict(check: FieldCheck, typed: pa.DictionaryArray) -> tuple:
    """A dictionary-encoded column: each distinct value checked once, as text."""
    # One more entry, an empty cell, for the null indices.
    values = pa.concat_arrays([as_csv_text(typed.dictionary), pa.array([""], pa.string())])
    missing_array = check.missing_mask(values)
    value_missing = missing_array.to_numpy(zero_copy_only=False)
    value_sure = check.sure_mask(values, missing_array).to_numpy(zero_copy_only=False)
    if typed.null_count == 0 and value_sure[:-1].all() and not value_missing[:-1].any():
        # Every distinct value present and valid (the common case): nothing to look up
        rows = len(typed)
        return np.zeros(rows, bool), np.ones(rows, bool), np.empty(0, np.int64), [], None
    indices = typed.indices.cast(pa.int64())  # an int8 index could not hold one more entry
    codes = indices.fill_null(len(values) - 1).to_numpy(zero_copy_only=False)
    missing, sure = value_missing[codes], value_sure[codes]
    doubtful = np.flatnonzero(~sure)
    return missing, sure, doubtful, values.take(arrow_of(codes[doubtful])).to_pylist(), None


def _key_values(check: FieldCheck, batch: Batch, typed, sure, missing, targets) -> tuple:
    """A key column's values: from its Arrow values when its masks came from them."""
    if typed is not None:
        return check.typed_key_values(typed, sure, missing, targets)
    encoded = batch.typed[check.position] if batch.typed else None
    if encoded is not None and pa.types.is_dictionary(encoded.type) and check.key_kind() == "str":
        # A text key of few distinct values: each is hashed once (`hash_keys`), where
        # its text would be made and hashed for every row.
        return check.key_values(encoded, sure, missing, targets)
    return check.key_values(batch.columns[check.position], sure, missing, targets)


@functools.cache
def _column_pool() -> Any:
    from concurrent.futures import ThreadPoolExecutor  # ~10 ms, only for large batches

    return ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="columns")


def _add_repeats(
    table: _Table, findings: list[RowFinding], lookups: list, limit_errors: int
) -> list[RowFinding]:
    """The findings, with the rows that repeat an earlier row's unique or primary key.

    Their cells were not kept: in the usual file no key repeats, and keeping every
    row's cells against the chance would cost more than the data. So the rows that do
    repeat are read again, alone, from the start of the file to the last of them that
    can be reported (each has an error: past the limit-th, none can)."""
    unique, primary = table.repeats()
    wanted = [rows for rows, _ in unique.values()] + ([primary[0]] if primary is not None else [])
    if not any(len(rows) for rows in wanted):
        return findings
    numbers = sorted_distinct(np.concatenate(wanted))
    if limit_errors and len(numbers) > limit_errors:
        numbers = numbers[:limit_errors]
        last = int(numbers[-1])
        unique = {p: (rows[rows <= last], prev[rows <= last]) for p, (rows, prev) in unique.items()}
        if primary is not None:
            primary = (primary[0][primary[0] <= last], primary[1][primary[0] <= last])
    by_number = {finding.row_number: finding for finding in findings}
    key_cells: dict[tuple[int, int], str] = {}
    first_row = table.source.first_row
    for batch in _batches(table, lookups):
        batch_numbers = batch.numbers(np.arange(batch.num_rows), first_row)
        indices = np.flatnonzero(in_sorted(batch_numbers, numbers))
        if len(indices):
            fresh = []
            for index in indices.tolist():
                number = int(batch_numbers[index])
                if number not in by_number:
                    by_number[number] = RowFinding(
                        batch.start + index, [], first_row=first_row,
                        number=None if batch.row_numbers is None else number,
                    )  # fmt: skip
                    fresh.append(by_number[number])
            _fill_cells(fresh, batch, _empty_lines(batch))
            for position in unique:
                texts = batch.text(position, indices)
                for index, text in zip(indices.tolist(), texts, strict=True):
                    cell = table.checks[position].read(text)[0]
                    key_cells[(position, int(batch_numbers[index]))] = str(cell)
        if batch.num_rows and int(batch_numbers[-1]) >= int(numbers[-1]):
            break  # the last repeat is read
    for position, (rows, previous) in unique.items():
        for row, prev in zip(rows.tolist(), previous.tolist(), strict=True):
            by_number[row].unique[position] = (prev, key_cells[(position, row)])
    if primary is not None:
        for row, prev in zip(primary[0].tolist(), primary[1].tolist(), strict=True):
            by_number[row].primary_key = f"the same as in the row at position {prev}"
    return sorted(by_number.values(), key=lambda finding: finding.index)


def _fill_cells(found: list[RowFinding], batch: Batch, empty_lines: np.ndarray | None) -> None:
    """The text cells of the rows with findings, a column at a time (none on the
    `empty_lines` of a one-column Parquet batch)."""
    if not found:
        return  # and a typed (Parquet) batch is never turned into text
    positions = np.array([finding.index - batch.start for finding in found], np.int64)
    columns = [batch.text(position, positions) for position in range(len(batch.columns))]
    for row, finding in enumerate(found):
        cells = batch.ragged.get(finding.index - batch.start)
        finding.cells = list(cells) if cells is not None else [column[row] for column in columns]
    if empty_lines is not None:
        for finding, empty in zip(found, empty_lines[positions], strict=True):
            if empty:
                finding.cells = []


def _take(values: np.ndarray | pa.Array, positions: np.ndarray) -> np.ndarray | pa.Array:
    if len(positions) == len(values):
        return values  # every row (positions are distinct and ascending)
    if isinstance(values, pa.Array):
        return values.take(arrow_of(positions))
    return values[positions]


def _read_lookup(
    group: dict, resource: dict, own_table: _Table, basepath: Path, package: dict | None
) -> KeyLookup:
    """The cast keys of the referenced resource, as frictionless's lookup holds them."""
    name = group["resource"]
    if name == resource.get("name"):
        referenced = resource
    else:
        candidates = [r for r in (package or {}).get("resources", []) if r.get("name") == name]
        if not candidates:
            raise Unsupported(f"foreign key to a missing resource {name!r}")
        referenced = candidates[0]
    descriptor = copy.deepcopy(referenced)
    if isinstance(descriptor.get("schema"), dict):
        descriptor["schema"].pop("foreignKeys", None)
    table = _open_table(descriptor, basepath)
    names = [check.name for check in table.checks]
    own = {check.name: check for check in own_table.checks}
    positions = []
    for own_name, ref_name in zip(group["fields"], group["reference_fields"], strict=False):
        if ref_name not in names:
            raise Unsupported(f"foreign key field {ref_name!r} not in {name!r}")
        position = names.index(ref_name)
        theirs = table.checks[position]
        if theirs.type != own[own_name].type or theirs.type == "datetime" or (
            theirs.key_kind() == "python"
        ):
            raise Unsupported("foreign key between fields of different or complex types")
        positions.append(position)
    kinds = [table.checks[position].key_kind() for position in positions]
    single_int = kinds == ["int"] and len(group["fields"]) == 1
    lookup: KeyLookup | IntKeyLookup = IntKeyLookup() if single_int else KeyLookup()
    for batch in table.source.batches():
        parts = []
        for position in positions:
            check = table.checks[position]
            missing, sure, doubtful, sources, typed = _column_verdict(check, batch)
            targets = {
                int(index): check.read(source)[0]
                for index, source in zip(doubtful, sources, strict=True)
            }
            parts.append(_key_values(check, batch, typed, sure, missing, targets))
        all_null = np.logical_and.reduce([nulls for _, nulls in parts])
        present = np.flatnonzero(~all_null)
        lookup.add(_key_of(parts, present, lookup))
    lookup.freeze()
    return lookup


def _declared_stats_errors(
    resource: dict, digest: FileDigest | None, fields: int, rows: int
) -> list:
    """The checks frictionless runs at the end against declared hash, bytes, fields and
    rows (`digest` None: a file frictionless does not hash, whose size it holds as None)."""
    found = []  # (error class name, note)
    declared = resource.get("hash")
    if declared and digest is not None:
        algorithm, expected = declared.split(":", 1) if ":" in declared else ("md5", declared)
        actual = {"md5": digest.md5, "sha256": digest.sha256}.get(algorithm)
        if actual and actual != expected:
            found.append(("HashCountError", f'expected is "{expected}" and actual is "{actual}"'))
    size = digest.bytes if digest is not None else None
    if resource.get("bytes") and resource["bytes"] != size:
        note = f'expected is "{resource["bytes"]}" and actual is "{size}"'
        found.append(("ByteCountError", note))
    if resource.get("fields") and resource["fields"] != fields:
        note = f'expected is "{resource["fields"]}" and actual is "{fields}"'
        found.append(("FieldCountError", note))
    if resource.get("rows") and resource["rows"] != rows:
        found.append(("RowCountError", f'expected is "{resource["rows"]}" and actual is "{rows}"'))
    if not found:
        return []
    from frictionless import errors

    return [getattr(errors, name)(note=note).to_dict() for name, note in found]
