"""Unique, primary and foreign keys across batches, in bounded memory.

A key (one cast value, or a tuple of them) is kept as a 64-bit hash: 8 bytes a key,
instead of a Python dict of objects (~100 bytes each). The keys of a unique field or a
primary key are only recorded as the batches come; their repeats are found when asked,
by sorting every hash once (`SeenKeys.repeats`). Checking each batch against the keys
before it, in sorted runs merged as they grew, cost three times the parse itself on a
table of 2 million rows with a text key; the one sort costs a tenth of the parse.
A false duplicate needs two keys with the same 64-bit hash: about 1 in 10^8 for
10 million keys.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

_NULL_HASH = np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0x100000001B3)


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
    """A hash of each string's UTF-8 bytes (each byte times its place's weight, summed),
    read straight from Arrow buffers. A dictionary-encoded column hashes its distinct
    values only (a null index takes an extra slot: its hash is replaced by the caller)."""
    if pa.types.is_dictionary(strings.type):
        distinct = np.append(_hash_strings(strings.dictionary), np.uint64(0))
        codes = strings.indices.fill_null(len(strings.dictionary))
        return distinct[codes.to_numpy(zero_copy_only=False)]
    if strings.null_count:
        strings = strings.fill_null("")
    if strings.type not in (pa.string(), pa.large_string()):
        strings = strings.cast(pa.large_string())
    count = len(strings)
    _, offsets_buffer, data_buffer = strings.buffers()
    width = np.int64 if strings.type == pa.large_string() else np.int32
    offsets = np.frombuffer(offsets_buffer, width)[strings.offset : strings.offset + count + 1]
    offsets = offsets.astype(np.int64, copy=False)
    lengths = np.diff(offsets)
    start = offsets[0]
    data = np.frombuffer(data_buffer, np.uint8)[start : offsets[-1]] if data_buffer else None
    hashed = np.zeros(count, dtype=np.uint64)
    if data is not None and len(data):
        longest = int(lengths.max())
        with np.errstate(over="ignore"):
            weights = _byte_weights(longest)
            if int(lengths.min()) == longest and longest <= _ONE_WIDTH_MOST:
                # Codes and ids of one width (a SIRET, "C-0000001"): the same sum, a byte
                # column at a time, without placing every byte.
                grid = data.reshape(count, longest)
                for place in range(longest):
                    hashed += (grid[:, place] + np.uint64(1)) * weights[place]
                return _mix64(hashed ^ lengths.astype(np.uint64))
            position = np.arange(len(data)) - np.repeat(offsets[:-1] - start, lengths)
            contributions = (data.astype(np.uint64) + np.uint64(1)) * weights[position]
            filled = lengths > 0
            hashed[filled] = np.add.reduceat(contributions, (offsets[:-1] - start)[filled])
    with np.errstate(over="ignore"):
        return _mix64(hashed ^ lengths.astype(np.uint64))


_weights = np.empty(0, np.uint64)
_ONE_WIDTH_MOST = 64  # bytes: a loop over the places of longer strings costs more than it saves


def _byte_weights(length: int) -> np.ndarray:
    """The multiplier of each byte place: odd 64-bit numbers of splitmix64's sequence.

    Not the powers of one base: with those, a string and its complement in the
    Thue-Morse pattern ("abbabaab..." and "baababba...", 1,024 bytes) hash alike whatever
    the base, the sum of their differences vanishing modulo 2^64."""
    global _weights
    if len(_weights) < length:
        size = max(length, 2 * len(_weights), 64)
        with np.errstate(over="ignore"):
            steps = np.arange(1, size + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        _weights = _mix64(steps) | np.uint64(1)
    return _weights


def sorted_distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values: `np.unique` without its import of numpy.ma (~30 ms)."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def repeated_values(values: np.ndarray) -> np.ndarray:
    """The values held more than once, sorted and distinct: one sort."""
    ordered = np.sort(values)
    return sorted_distinct(ordered[1:][ordered[1:] == ordered[:-1]])


def in_sorted(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Whether each value is in `table` (sorted), by binary search."""
    if len(table) == 0:
        return np.zeros(len(values), dtype=bool)
    spots = np.minimum(np.searchsorted(table, values), len(table) - 1)
    return table[spots] == values


class SeenKeys:
    """The hashed keys of a unique field or primary key, row by row, and their repeats."""

    def __init__(self) -> None:
        self._hashes: list[np.ndarray] = []
        self._numbers = _RowNumbers()

    def __len__(self) -> int:
        return len(self._numbers)

    def add(self, hashes: np.ndarray, numbers: np.ndarray) -> None:
        """Record the keys of some rows (their row numbers, ascending)."""
        if len(hashes):
            self._hashes.append(hashes)
            self._numbers.add(numbers)

    def repeats(self) -> tuple[np.ndarray, np.ndarray]:
        """(row number, row number of the last row before it with that key) of every
        row whose key an earlier row held, in row order."""
        if len(self._hashes) > 1:
            self._hashes = [np.concatenate(self._hashes)]
        if not self._hashes:
            return _NONE, _NONE
        hashes = self._hashes[0]
        repeated = repeated_values(hashes)
        if len(repeated) == 0:
            return _NONE, _NONE  # the usual case: one sort, and done
        holders = np.flatnonzero(in_sorted(hashes, repeated))  # every row of a repeated key
        return _repeats_among(hashes[holders], self._numbers.at(holders))


def _repeats_among(keys: np.ndarray, numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows given in row order: (row, previous row) of each row whose key is an
    earlier one's, in row order."""
    order = np.argsort(keys, kind="stable")  # a key's rows stay in row order
    keys, rows = keys[order], numbers[order]
    same = keys[1:] == keys[:-1]
    later, previous = rows[1:][same], rows[:-1][same]
    in_row_order = np.argsort(later, kind="stable")
    return later[in_row_order], previous[in_row_order]


_NONE = np.empty(0, np.int64)


class _RowNumbers:
    """The row numbers of recorded keys: a batch of consecutive rows (the usual case) as
    its first number and count, others as arrays."""

    def __init__(self) -> None:
        self._starts: list[int] = []  # position of each batch's first key
        self._parts: list[tuple[int, np.ndarray | None]] = []  # (first number, or the numbers)
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, numbers: np.ndarray) -> None:
        first, count = int(numbers[0]), len(numbers)
        consecutive = int(numbers[-1]) - first == count - 1
        self._starts.append(self._count)
        self._parts.append((first, None if consecutive else numbers.astype(np.int64)))
        self._count += count

    def at(self, positions: np.ndarray) -> np.ndarray:
        """The row numbers of the keys at these positions (ascending)."""
        batches = np.searchsorted(np.array(self._starts, np.int64), positions, side="right") - 1
        found = np.empty(len(positions), np.int64)
        for batch in sorted_distinct(batches):
            spots = np.flatnonzero(batches == batch)
            offsets = positions[spots] - self._starts[batch]
            first, numbers = self._parts[batch]
            found[spots] = first + offsets if numbers is None else numbers[offsets]
        return found


class KeyLookup:
    """The keys of a referenced table, for foreign keys (all-null keys left out)."""

    def __init__(self) -> None:
        self._chunks: list[np.ndarray] = []
        self._sorted: np.ndarray | None = None

    def add(self, hashes: np.ndarray) -> None:
        self._chunks.append(sorted_distinct(hashes))

    def freeze(self) -> None:
        merged = np.concatenate(self._chunks) if self._chunks else np.empty(0, np.uint64)
        self._sorted = sorted_distinct(merged)
        self._chunks = []

    def contains(self, hashes: np.ndarray) -> np.ndarray:
        if self._sorted is None:
            return np.zeros(len(hashes), dtype=bool)
        return in_sorted(hashes, self._sorted)


class IntKeys:
    """The keys of a one-field integer unique or primary key, cheap while they ascend.

    A key above every key met before it is new: no hashing, no search. Such keys are
    kept as ascending segments, and a run of consecutive keys on consecutive rows (an
    `id` column) as three numbers, so a clean key column costs almost no memory. Keys
    that do not ascend (repeats, or a file out of order) are kept with their row
    numbers; `repeats` compares them with the segments and with each other.
    """

    def __init__(self) -> None:
        self._top: int | None = None
        # Ascending, disjoint segments: (first key, last key, first row or None, keys, rows)
        self._firsts: list[int] = []
        self._segments: list[tuple[int, int, int | None, np.ndarray | None, np.ndarray | None]] = []
        self._others: list[tuple[np.ndarray, np.ndarray]] = []  # (keys, row numbers)
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, values: np.ndarray, rows: np.ndarray) -> None:
        """Record the keys of some rows (their row numbers, ascending)."""
        values = values.astype(np.int64, copy=False)
        if len(values) == 0:
            return
        self._count += len(values)
        floor = np.iinfo(np.int64).min if self._top is None else self._top
        if int(values[0]) > floor and (len(values) == 1 or (values[1:] > values[:-1]).all()):
            # Every key above the one before (an `id` column): one comparison a row.
            self._top = int(values[-1])
            self._append(values, rows)
            return
        before = np.empty(len(values), dtype=np.int64)
        before[0] = floor
        if len(values) > 1:
            np.maximum.accumulate(values[:-1], out=before[1:])
            np.maximum(before[1:], floor, out=before[1:])
        rising = values > before
        self._top = max(floor, int(values.max()))
        ascending = np.flatnonzero(rising)
        self._append(values[ascending], rows[ascending])
        others = np.flatnonzero(~rising)
        if len(others):
            self._others.append((values[others], rows[others].astype(np.uint32)))

    def repeats(self) -> tuple[np.ndarray, np.ndarray]:
        """(row number, row number of the last row before it with that key) of every
        row whose key an earlier row held, in row order."""
        if not self._others:
            return _NONE, _NONE  # every key above the ones before it: no repeat
        if len(self._others) > 1:
            self._others = [(np.concatenate([k for k, _ in self._others]),
                             np.concatenate([r for _, r in self._others]))]  # fmt: skip
        keys, numbers = self._others[0]
        # A key that ascended was the first of its value (any later row holding it is
        # below the top): an out-of-order key may repeat it, or an earlier such key.
        first_rows = self._find(keys)
        held = (first_rows >= 0) | in_sorted(keys, repeated_values(keys))
        if not held.any():
            return _NONE, _NONE  # the usual case of a file out of order: one sort, and done
        holders = np.flatnonzero(held)
        firsts = sorted_distinct(keys[holders][first_rows[holders] >= 0])
        keys = np.concatenate([firsts, keys[holders]])
        numbers = np.concatenate([self._find(firsts), numbers[holders]])
        order = np.argsort(numbers, kind="stable")
        return _repeats_among(keys[order], numbers[order])

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
        for segment in sorted_distinct(which[which >= 0]):
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
        self._chunks.append(sorted_distinct(values.astype(np.int64, copy=False)))

    def freeze(self) -> None:
        merged = np.concatenate(self._chunks) if self._chunks else np.empty(0, np.int64)
        keys = sorted_distinct(merged)
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
        if self._sorted is None:
            return np.zeros(len(values), dtype=bool)
        return in_sorted(values, self._sorted)
