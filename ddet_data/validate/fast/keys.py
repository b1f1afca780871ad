"""Unique, primary and foreign keys across batches, in bounded memory.

A key (one cast value, or a tuple of them) is kept as a 64-bit hash with the number
of the last row that held it: 12 bytes per distinct key, instead of a Python dict of
objects (~100 bytes each). Hashes live in sorted runs that are merged as they grow (a
small log-structured set), so checking a batch costs a few binary searches.
A false duplicate needs two keys with the same 64-bit hash: about 1 in 10^8 for
10 million keys.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

_NULL_HASH = np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0x100000001B3)
_BYTE_BASE = np.uint64(0x100000001B3)
_MAX_MERGED_RUN = 1 << 22  # beyond this, runs stay apart: merging would double memory


def hash_keys(parts: list[tuple[np.ndarray | pa.Array, np.ndarray]]) -> np.ndarray:
    """One uint64 per row for a tuple of (values, nulls) columns; nulls hash alike."""
    combined: np.ndarray | None = None
    for values, nulls in parts:
        hashed = np.where(nulls, _NULL_HASH, _hash_values(values))
        if combined is None:
            combined = hashed
        else:
            with np.errstate(over="ignore"):
                combined = _mix64((combined * _MIX) ^ hashed)
    return combined


def _hash_values(values: np.ndarray | pa.Array) -> np.ndarray:
    if isinstance(values, pa.Array):
        return _hash_strings(values)
    if values.dtype == object:
        return _hash_strings(pa.array(values, pa.string()))
    if values.dtype.kind == "f":
        values = values + 0.0  # -0.0 and 0.0 are the same Decimal
        hashed = _mix64(values.view(np.uint64))
        not_a_number = np.isnan(values)
        if not_a_number.any():
            hashed[not_a_number] = _never_equal(int(not_a_number.sum()))
        return hashed
    return _mix64(values.astype(np.int64).view(np.uint64))


_nan_count = 0


def _never_equal(count: int) -> np.ndarray:
    """Hashes no other key shares: NaN equals nothing, not even NaN, in frictionless's sets."""
    global _nan_count
    start, _nan_count = _nan_count, _nan_count + count
    return _mix64(np.arange(start, start + count, dtype=np.uint64) ^ np.uint64(0x5DEECE66D))


def _mix64(values: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer: spreads every input bit over the whole word."""
    with np.errstate(over="ignore"):
        z = values.astype(np.uint64, copy=True)
        z ^= z >> np.uint64(30)
        z *= np.uint64(0xBF58476D1CE4E5B9)
        z ^= z >> np.uint64(27)
        z *= np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
    return z


def _hash_strings(strings: pa.Array) -> np.ndarray:
    """A polynomial hash of each string's UTF-8 bytes, read straight from Arrow buffers."""
    strings = strings.fill_null("")
    if strings.type != pa.large_string():
        strings = strings.cast(pa.large_string())
    count = len(strings)
    _, offsets_buffer, data_buffer = strings.buffers()
    offsets = np.frombuffer(offsets_buffer, np.int64)[strings.offset : strings.offset + count + 1]
    lengths = np.diff(offsets)
    start = offsets[0]
    data = np.frombuffer(data_buffer, np.uint8)[start : offsets[-1]] if data_buffer else None
    hashed = np.zeros(count, dtype=np.uint64)
    if data is not None and len(data):
        longest = int(lengths.max())
        with np.errstate(over="ignore"):
            powers = np.cumprod(np.full(longest, _BYTE_BASE, dtype=np.uint64))
            position = np.arange(len(data)) - np.repeat(offsets[:-1] - start, lengths)
            contributions = (data.astype(np.uint64) + np.uint64(1)) * powers[position]
            filled = lengths > 0
            hashed[filled] = np.add.reduceat(contributions, (offsets[:-1] - start)[filled])
    with np.errstate(over="ignore"):
        return _mix64(hashed ^ lengths.astype(np.uint64))


def _unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values: `np.unique` without its import of numpy.ma (~30 ms)."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


class SeenKeys:
    """The keys met so far, each with the last row number that held it."""

    def __init__(self) -> None:
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []

    def add(self, hashes: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Record keys (rows ascending); return (positions, previous row) of repeats."""
        if len(hashes) == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        order = np.argsort(hashes, kind="stable")
        sorted_hashes = hashes[order]
        sorted_rows = rows[order]
        previous = np.full(len(order), -1, dtype=np.int64)
        same = sorted_hashes[1:] == sorted_hashes[:-1]
        previous[1:][same] = sorted_rows[:-1][same]
        unresolved = np.flatnonzero(previous < 0)
        for run_hashes, run_rows in reversed(self._runs):  # newest run first
            if len(unresolved) == 0:
                break
            wanted = sorted_hashes[unresolved]
            spots = np.searchsorted(run_hashes, wanted)
            spots_clipped = np.minimum(spots, len(run_hashes) - 1)
            hit = (spots < len(run_hashes)) & (run_hashes[spots_clipped] == wanted)
            previous[unresolved[hit]] = run_rows[spots_clipped[hit]]
            unresolved = unresolved[~hit]
        last = np.ones(len(order), dtype=bool)
        last[:-1] = ~same
        self._runs.append((sorted_hashes[last], sorted_rows[last].astype(np.uint32)))
        self._merge()
        repeated = previous >= 0
        return order[repeated], previous[repeated]

    def _merge(self) -> None:
        while len(self._runs) >= 2:
            (old_h, old_r), (new_h, new_r) = self._runs[-2], self._runs[-1]
            if len(old_h) > 2 * len(new_h) or len(old_h) + len(new_h) > _MAX_MERGED_RUN:
                return
            hashes = np.concatenate([old_h, new_h])
            rows = np.concatenate([old_r, new_r])
            order = np.argsort(hashes, kind="stable")  # timsort: a linear merge of two runs
            hashes, rows = hashes[order], rows[order]
            keep = np.ones(len(hashes), dtype=bool)
            keep[:-1] = hashes[1:] != hashes[:-1]  # the newer row wins
            self._runs[-2:] = [(hashes[keep], rows[keep])]


class KeyLookup:
    """The keys of a referenced table, for foreign keys (all-null keys left out)."""

    def __init__(self) -> None:
        self._chunks: list[np.ndarray] = []
        self._sorted: np.ndarray | None = None

    def add(self, hashes: np.ndarray) -> None:
        self._chunks.append(_unique(hashes))

    def freeze(self) -> None:
        merged = np.concatenate(self._chunks) if self._chunks else np.empty(0, np.uint64)
        self._sorted = _unique(merged)
        self._chunks = []

    def contains(self, hashes: np.ndarray) -> np.ndarray:
        table = self._sorted
        if table is None or len(table) == 0:
            return np.zeros(len(hashes), dtype=bool)
        spots = np.minimum(np.searchsorted(table, hashes), len(table) - 1)
        return table[spots] == hashes


class IntKeys:
    """Seen one-field integer keys, cheap while they come in ascending order.

    A key above every key met so far is new: no hashing, no search. Such keys are kept
    as ascending segments, and a run of consecutive keys on consecutive rows (an `id`
    column) as three numbers, so a clean key column costs almost no memory. Keys that
    do not ascend (repeats, or a file out of order) go through a `SeenKeys`, which
    then holds the last row of every key met out of order.
    """

    def __init__(self) -> None:
        self._top: int | None = None
        # Ascending, disjoint segments: (first key, last key, first row or None, keys, rows)
        self._firsts: list[int] = []
        self._segments: list[tuple[int, int, int | None, np.ndarray | None, np.ndarray | None]] = []
        self._others = SeenKeys()

    def add(self, values: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Record keys (rows ascending); return (positions, previous row) of repeats."""
        values = values.astype(np.int64, copy=False)
        if len(values) == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        floor = np.iinfo(np.int64).min if self._top is None else self._top
        if int(values[0]) > floor and (len(values) == 1 or (values[1:] > values[:-1]).all()):
            # Every key above the one before (an `id` column): one comparison a row.
            self._top = int(values[-1])
            self._append(values, rows)
            return np.empty(0, np.int64), np.empty(0, np.int64)
        before = np.empty(len(values), dtype=np.int64)
        before[0] = floor
        if len(values) > 1:
            np.maximum.accumulate(values[:-1], out=before[1:])
            np.maximum(before[1:], floor, out=before[1:])
        rising = values > before
        self._top = max(floor, int(values.max()))
        others = np.flatnonzero(~rising)
        if len(others) == 0:
            self._append(values, rows)
            return np.empty(0, np.int64), np.empty(0, np.int64)
        ascending = np.flatnonzero(rising)
        # An out-of-order key may repeat an ascending key of an earlier batch or of this
        # one (necessarily on an earlier row), or another out-of-order key; the latter
        # is the more recent holder.
        self._append(values[ascending], rows[ascending])
        wanted = values[others]
        previous = self._find(wanted)
        hashes = _mix64(wanted.view(np.uint64))
        spots, latest = self._others.add(hashes, rows[others])
        previous[spots] = latest
        repeated = previous >= 0
        return others[repeated], previous[repeated]

    def _append(self, values: np.ndarray, rows: np.ndarray) -> None:
        if len(values) == 0:
            return
        first, last = int(values[0]), int(values[-1])
        span = last - first
        if span == len(values) - 1 and int(rows[-1]) - int(rows[0]) == span:
            row = int(rows[0])
            if self._segments:
                p_first, p_last, p_row, p_keys, _ = self._segments[-1]
                if p_keys is None and p_last + 1 == first and p_row + (first - p_first) == row:
                    self._segments[-1] = (p_first, last, p_row, None, None)
                    return
            self._segments.append((first, last, row, None, None))
        else:
            self._segments.append((first, last, None, values.copy(), rows.astype(np.uint32)))
        self._firsts.append(first)

    def _find(self, wanted: np.ndarray) -> np.ndarray:
        """The row of each wanted key among the ascending segments, or -1."""
        found = np.full(len(wanted), -1, dtype=np.int64)
        if not self._segments:
            return found
        which = np.searchsorted(np.array(self._firsts, dtype=np.int64), wanted, side="right") - 1
        for segment in _unique(which[which >= 0]):
            first, last, row, keys, rows = self._segments[segment]
            spots = np.flatnonzero((which == segment) & (wanted <= last))
            if keys is None:
                found[spots] = row + (wanted[spots] - first)
                continue
            at = np.minimum(np.searchsorted(keys, wanted[spots]), len(keys) - 1)
            hit = keys[at] == wanted[spots]
            found[spots[hit]] = rows[at[hit]]
        return found


class IntKeyLookup:
    """The one-field integer keys of a referenced table: a bitmap when they are dense."""

    def __init__(self) -> None:
        self._chunks: list[np.ndarray] = []
        self._low = 0
        self._bitmap: np.ndarray | None = None
        self._sorted: np.ndarray | None = None
        self._full = False  # every integer from the lowest key to the highest is a key

    def add(self, values: np.ndarray) -> None:
        self._chunks.append(_unique(values.astype(np.int64, copy=False)))

    def freeze(self) -> None:
        keys = _unique(np.concatenate(self._chunks)) if self._chunks else np.empty(0, np.int64)
        self._chunks = []
        if len(keys) and int(keys[-1]) - int(keys[0]) < max(8 * len(keys), 1 << 16):
            self._low = int(keys[0])
            self._bitmap = np.zeros(int(keys[-1]) - self._low + 1, dtype=bool)
            self._bitmap[keys - self._low] = True
            self._full = len(keys) == len(self._bitmap)
        else:
            self._sorted = keys

    def covers(self, low: int, high: int) -> bool:
        """Whether every integer from `low` to `high` is a key (an `id` column numbered
        from 1 to N is): any value between them is then found without looking."""
        if not self._full or low > high:
            return False  # (an empty range stands for values nobody could bound)
        return low >= self._low and high < self._low + len(self._bitmap)

    def contains(self, values: np.ndarray) -> np.ndarray:
        values = values.astype(np.int64, copy=False)
        if self._full and len(values) and self.covers(int(values.min()), int(values.max())):
            return np.ones(len(values), dtype=bool)
        if self._bitmap is not None:
            offsets = values - self._low
            if not len(offsets) or (offsets.min() >= 0 and offsets.max() < len(self._bitmap)):
                return self._bitmap[offsets]  # the usual case: every key within the bitmap
            inside = (offsets >= 0) & (offsets < len(self._bitmap))
            found = np.zeros(len(values), dtype=bool)
            found[inside] = self._bitmap[offsets[inside]]
            return found
        table = self._sorted
        if table is None or len(table) == 0:
            return np.zeros(len(values), dtype=bool)
        spots = np.minimum(np.searchsorted(table, values), len(table) - 1)
        return table[spots] == values
