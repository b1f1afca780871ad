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
import pandas as pd

_NULL_HASH = np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0x100000001B3)
_MAX_MERGED_RUN = 1 << 22  # beyond this, runs stay apart: merging would double memory


def hash_keys(parts: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """One uint64 per row for a tuple of (values, nulls) columns; nulls hash alike."""
    combined: np.ndarray | None = None
    for values, nulls in parts:
        if values.dtype == object:
            hashed = pd.util.hash_array(values, categorize=False)
        else:
            hashed = pd.util.hash_array(values)
        hashed = np.where(nulls, _NULL_HASH, hashed)
        if combined is None:
            combined = hashed
        else:
            with np.errstate(over="ignore"):
                combined = (combined * _MIX) ^ hashed
    return combined


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
        self._chunks.append(np.unique(hashes))

    def freeze(self) -> None:
        merged = np.concatenate(self._chunks) if self._chunks else np.empty(0, np.uint64)
        self._sorted = np.unique(merged)
        self._chunks = []

    def contains(self, hashes: np.ndarray) -> np.ndarray:
        table = self._sorted
        if table is None or len(table) == 0:
            return np.zeros(len(hashes), dtype=bool)
        spots = np.minimum(np.searchsorted(table, hashes), len(table) - 1)
        return table[spots] == hashes
