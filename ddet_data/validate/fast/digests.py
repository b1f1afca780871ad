"""md5, sha256 and size of a data file, as frictionless reports them in a task's stats.

Hashing costs about 0.3 s per 100 MB on one core. A run spends its first quarter of a
second importing pyarrow and numpy on one core while the other is idle, so the files
whose hashes the report shows are hashed from the start (`hash_early`), before those
imports, on a thread of their own; the engine then takes their digest (`digest_of`)
instead of hashing again. So this module imports nothing heavy: it is loaded first.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

SMALL_FILE = 1 << 20  # below this, a thread costs more than hashing in turn


class FileDigest:
    """md5, sha256 and size of one file (`digests` False: its size alone, the file's
    as frictionless counts what it reads)."""

    def __init__(self, path: Path, digests: bool = True):
        self.path = path
        self.digests = digests
        self.md5 = ""
        self.sha256 = ""
        self.bytes = 0
        self._done = threading.Event()
        self._claim = threading.Lock()  # held by whoever hashes: one reader of the file
        self._error: OSError | None = None

    def compute(self) -> None:
        """Hash here, unless another thread has already begun."""
        if self._claim.acquire(blocking=False):
            self._compute()

    def start(self) -> None:
        """Hash on another core when the file is large, else at once."""
        if not self._claim.acquire(blocking=False):
            return
        try:
            large = self.digests and self.path.stat().st_size > SMALL_FILE
        except OSError:
            large = False  # hashed here, where the error is kept for `wait`
        if large:
            threading.Thread(target=self._compute, daemon=True).start()
        else:
            self._compute()

    def wait(self) -> FileDigest:
        """The digest, hashed here if nobody has begun."""
        self.compute()
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self

    def _compute(self) -> None:
        try:
            self._hash()
        except OSError as exc:  # told to the engine's thread, which waits for the digest
            self._error = exc
        finally:
            self._done.set()

    def _hash(self) -> None:
        if not self.digests:
            self.bytes = self.path.stat().st_size
            return
        import hashlib

        md5, sha256, size = hashlib.md5(), hashlib.sha256(), 0
        with open(self.path, "rb") as file:
            while chunk := file.read(1 << 20):
                md5.update(chunk)  # hashlib lets go of the GIL on chunks this large
                sha256.update(chunk)
                size += len(chunk)
        self.md5, self.sha256, self.bytes = md5.hexdigest(), sha256.hexdigest(), size


_early: dict[Path, FileDigest] = {}


def hash_early(paths: Iterable[Path]) -> None:
    """Begin hashing these files now, one after the other on one thread, in the order
    the engine will want them. Small files and missing ones are left to the engine.

    Digests left from an earlier call (a resource frictionless validated instead) are
    dropped: in one process, `build` may have rewritten the file since."""
    _early.clear()
    queued = []
    for path in paths:
        try:
            key = path.resolve()
            large = key.is_file() and key.stat().st_size > SMALL_FILE
        except (OSError, RuntimeError, ValueError):
            continue  # a symlink loop, a NUL in the path...: the engine's read tells it
        if large and key not in _early:
            _early[key] = FileDigest(key)
            queued.append(_early[key])
    if queued:
        threading.Thread(target=_hash_in_turn, args=(queued,), daemon=True).start()


def _hash_in_turn(queued: list[FileDigest]) -> None:
    for digest in queued:
        digest.compute()


def digest_of(path: Path, digests: bool = True) -> FileDigest:
    """The digest begun early for this file, else a new one (not yet started)."""
    if digests and _early:
        try:
            early = _early.pop(path.resolve(), None)
        except (OSError, RuntimeError, ValueError):
            early = None
        if early is not None:
            return early
    return FileDigest(path, digests)
