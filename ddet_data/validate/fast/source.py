"""Reading a CSV resource as frictionless reads it, in Arrow batches of string columns.

frictionless decodes the file, sniffs the dialect from its first 100 lines and reads
records with Python's `csv` module: every record after the header is a row, blank
lines included, so a row's number is its index + 2 (or + N + 1 for a header on record
N, the records above it skipped; + 1 without a header). We read the same records:

- with pyarrow's streaming reader when the dialect is plain and every record has as
  many cells as the header (the fast path);
- with Python's `csv` module otherwise (ragged rows, odd dialects), padding short rows
  with nulls and keeping the real cells of ragged rows for the report. Slower, exact.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import itertools
import mmap
import os
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from ...errors import NeedsExactReader, RaggedRow, Unsupported
from .forms import arrow_of, cell_ends

# pyarrow keeps some forty blocks in flight: 4 MB blocks held 390 MB on a 1 GB file, 1 MB
# blocks 210 MB, and read no slower (their batches fit the caches better); 512 KB, slower.
BATCH_BYTES = 1 << 20
# ...unless its rows are long: a batch's cost in calls is per column, whatever its rows,
# so a block holds at least this many rows (up to twice the bytes).
BATCH_ROWS = 14_000
PYTHON_BATCH_ROWS = 20_000
FIELD_SIZE_LIMIT = 2_147_483_646
SNIFF_LINES = 100  # frictionless's CSV sample size
ENCODING_BUFFER = 100_000  # frictionless's detector buffer size
_SUPPORTED_DIALECT_KEYS = {
    "$schema", "header", "headerRows", "headerJoin", "headerCase", "csv",
    "delimiter", "quoteChar", "doubleQuote", "escapeChar", "lineTerminator",
    "skipInitialSpace", "caseSensitiveHeader", "commentChar", "commentRows", "skipBlankRows",
}  # fmt: skip


@dataclass
class Batch:
    """Rows `start`..`start + num_rows - 1` (0-based data rows) as string columns."""

    start: int
    columns: list[pa.Array]
    num_rows: int
    # Rows whose cell count differs from the header's: index in batch -> real cells.
    ragged: dict[int, list[str]] = field(default_factory=dict)
    # Parquet: the typed columns and their row group's statistics (None for a CSV)
    typed: list[pa.Array] | None = None
    stats: list[Any] | None = None
    # frictionless's row numbers, when comment or blank rows were left out (see RowFilter)
    row_numbers: np.ndarray | None = None

    def numbers(self, rows: np.ndarray, first_row: int) -> np.ndarray:
        """frictionless's row numbers of some rows of the batch."""
        if self.row_numbers is not None:
            return self.row_numbers[rows]
        return rows + (self.start + first_row)

    def kept(self, keep: np.ndarray, start: int, numbers: np.ndarray) -> Batch:
        """The rows where `keep` is true, renumbered from `start`; `numbers` are the
        row numbers of all the batch's rows."""
        if keep.all():
            return Batch(start, self.columns, self.num_rows, self.ragged, row_numbers=numbers)
        rows = np.flatnonzero(keep)
        indices = arrow_of(rows)
        ragged = {}
        for index, cells in self.ragged.items():
            spot = int(np.searchsorted(rows, index))
            if spot < len(rows) and rows[spot] == index:
                ragged[spot] = cells
        columns = [column.take(indices) for column in self.columns]
        return Batch(start, columns, len(rows), ragged, row_numbers=numbers[rows])

    def text(self, position: int, rows: np.ndarray) -> list[str | None]:
        """The text of some cells of a column; of a typed column, only those are made text."""
        indices = arrow_of(rows)
        if self.typed is not None:
            return as_csv_text(self.columns.typed(position).take(indices)).to_pylist()
        return self.columns[position].take(indices).to_pylist()


@dataclass(frozen=True)
class RowFilter:
    """The rows frictionless leaves out of the data (`Dialect.create_comment_filter` and
    `create_blank_filter`): a first cell starting with `commentChar`, a row number in
    `commentRows`, and with `skipBlankRows` a row of empty cells only. The rows left out
    keep their numbers: the rows after them are numbered as in the file."""

    comment_char: str | None = None
    comment_rows: frozenset[int] = frozenset()
    skip_blank_rows: bool = False

    def is_comment(self, number: int, cells: list[str]) -> bool:
        """For the header records, which only the comment filter applies to."""
        if self.comment_char and cells and cells[0].startswith(self.comment_char):
            return True
        return number in self.comment_rows

    def keep(self, batch: Batch, numbers: np.ndarray) -> np.ndarray:
        keep = np.ones(batch.num_rows, dtype=bool)
        if self.comment_char and batch.columns:
            first = pc.starts_with(batch.columns[0], self.comment_char).fill_null(False)
            keep &= ~first.to_numpy(zero_copy_only=False)
        if self.comment_rows:
            keep &= ~np.isin(numbers, np.fromiter(self.comment_rows, np.int64))
        if self.skip_blank_rows:
            blank = np.ones(batch.num_rows, dtype=bool)
            for column in batch.columns:
                empty = pc.or_kleene(pc.equal(column, ""), column.is_null()).fill_null(True)
                blank &= empty.to_numpy(zero_copy_only=False)
            for index, cells in batch.ragged.items():  # its real cells, not the padding
                blank[index] = all(cell in (None, "") for cell in cells)
            keep &= ~blank
        return keep


@dataclass
class CsvSource:
    path: Path
    encoding: str
    py_dialect: type[csv.Dialect] | csv.Dialect
    labels: list[str]  # none without a header
    header_one_line: bool
    header_rows: list[int] = field(default_factory=lambda: [1])  # record numbers; none
    header_case: bool = True  # labels matched to field names case by case
    width: int = 0  # cells a record has (the labels', or the first record's without a header)
    row_filter: RowFilter | None = None  # the comment and blank rows frictionless leaves out
    compression: str | None = None  # "gz", "bz2" or "zip": the file is read decompressed
    member: str | None = None  # of a zip archive, the file read

    exact: bool = False  # read with Python's csv from the start

    @property
    def header_row(self) -> int:
        """The last header record, which data follows (0: no header)."""
        return self.header_rows[-1] if self.header_rows else 0

    @property
    def first_row(self) -> int:
        """frictionless's number of the first data row."""
        return self.header_row + 1

    @property
    def arrow_ok(self) -> bool:
        d = self.py_dialect
        return (
            not self.exact
            and self.header_one_line
            and len(d.delimiter) == 1
            and d.quoting != csv.QUOTE_NONE
            and not d.skipinitialspace
            and d.doublequote
            and d.escapechar is None
        )

    def batches(self) -> Iterator[Batch]:
        if self.row_filter is None:
            yield from self._records()
            return
        kept = 0
        for batch in self._records():
            numbers = np.arange(batch.num_rows, dtype=np.int64) + (batch.start + self.first_row)
            batch = batch.kept(self.row_filter.keep(batch, numbers), kept, numbers)
            kept += batch.num_rows
            if batch.num_rows:
                yield batch

    def _records(self) -> Iterator[Batch]:
        """Every record below the header, numbered from 0."""
        if self.arrow_ok:
            produced = 0
            try:
                for batch in self._arrow_batches():
                    if _has_empty_row(batch):
                        raise RaggedRow()
                    produced += batch.num_rows
                    yield batch
                return
            except RaggedRow:
                if produced:
                    raise NeedsExactReader() from None
        yield from self._python_batches()

    # The fast path

    def _block_bytes(self) -> int:
        """BATCH_BYTES, or more for rows so long that a block would hold too few."""
        if self.compression is not None:
            return BATCH_BYTES
        with open(self.path, "rb") as file:
            sample = file.read(BATCH_BYTES)
        rows = sample.count(b"\n")
        if not rows or len(sample) < BATCH_BYTES:
            return BATCH_BYTES  # (a file of one block)
        return min(2 * BATCH_BYTES, max(BATCH_BYTES, len(sample) * BATCH_ROWS // rows))

    def _arrow_batches(self) -> Iterator[Batch]:
        width = self.width
        names = [f"c{i}" for i in range(width)]

        ragged = []

        def on_invalid_row(row) -> str:
            # Raising here would only be logged by pyarrow: flag it and stop the parse.
            ragged.append(row)
            return "error"

        encoding = "utf8" if self.encoding in ("utf-8", "utf-8-sig") else self.encoding
        read = pa_csv.ReadOptions(
            column_names=names, skip_rows=self.header_row, block_size=self._block_bytes(),
            encoding=encoding,
        )
        parse = pa_csv.ParseOptions(
            delimiter=self.py_dialect.delimiter,
            quote_char=self.py_dialect.quotechar or False,
            double_quote=True,
            # Allowing line breaks in values makes pyarrow read blocks 2-3 times slower;
            # a file without the quote character cannot hold any.
            newlines_in_values=self.compression is not None
            or _holds(self.path, self.py_dialect.quotechar, self.encoding),
            ignore_empty_lines=False,
            invalid_row_handler=on_invalid_row,
        )
        convert = pa_csv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        )
        start = 0
        try:
            if self.compression == "zip":  # read through Python's zipfile
                stream = pa.PythonFile(open_bytes(self.path, "zip", self.member), mode="r")
            else:
                stream = pa.input_stream(str(self.path), compression=_ARROW_CODECS.get(
                    self.compression))  # fmt: skip
            with pa_csv.open_csv(
                stream, read_options=read, parse_options=parse, convert_options=convert
            ) as reader:
                for record_batch in read_ahead(reader):
                    if record_batch.num_rows == 0:
                        continue
                    yield Batch(start, list(record_batch.columns), record_batch.num_rows)
                    start += record_batch.num_rows
        except pa.ArrowInvalid as exc:
            if ragged or "straddl" in str(exc):
                # (a record longer than a block: "straddling object straddles two block
                # boundaries"; Python's csv reads it)
                raise RaggedRow() from exc
            raise Unsupported(f"pyarrow cannot parse the file: {exc}") from exc
        except UnicodeDecodeError as exc:  # frictionless reports the bytes it cannot read
            raise Unsupported(f"the file is not all {self.encoding}: {exc}") from exc
        except OSError as exc:  # a corrupt archive: frictionless reports it
            raise Unsupported(f"the file cannot be read: {exc}") from exc

    # The exact path for ragged rows and odd dialects

    def _python_batches(self) -> Iterator[Batch]:
        width = self.width
        # frictionless lifts Python's limit of 131,072 characters a cell when it is
        # imported (to FIELD_SIZE_LIMIT of its formats/csv/settings.py): so does this.
        csv.field_size_limit(max(csv.field_size_limit(), FIELD_SIZE_LIMIT))
        with open_text(self.path, self.encoding, self.compression, self.member) as text:
            reader = csv.reader(text, dialect=self.py_dialect)
            for _ in range(self.header_row):  # the header and the records above it
                next(reader, None)
            start = 0
            while True:
                try:
                    chunk = [row for _, row in zip(range(PYTHON_BATCH_ROWS), reader, strict=False)]
                except UnicodeDecodeError as exc:  # frictionless reports what it cannot read
                    raise Unsupported(f"the file is not all {self.encoding}: {exc}") from exc
                except (OSError, EOFError) as exc:  # a corrupt archive, likewise
                    raise Unsupported(f"the file cannot be read: {exc}") from exc
                if not chunk:
                    return
                batch = Batch(start, [], len(chunk))
                for index, row in enumerate(chunk):
                    if len(row) != width:
                        batch.ragged[index] = row
                rows = [row + [None] * (width - len(row)) for row in chunk]
                batch.columns = [pa.array([r[i] for r in rows], pa.string()) for i in range(width)]
                yield batch
                start += len(chunk)


def read_ahead(batches: Iterator[Any], depth: int = 2) -> Iterator[Any]:
    """The same batches, read on another thread while the caller checks the last ones.

    pyarrow parses with the GIL released, so parsing and checking overlap on two cores
    (a third off a 2M-row run). At most `depth` batches wait; an error of the reader is
    raised here, in the caller's thread; a caller that stops early stops the reader.
    """
    waiting: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    end = object()

    def hand_over(item: Any) -> bool:
        while not stop.is_set():
            try:
                waiting.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for batch in batches:
                if not hand_over(batch):
                    return
            hand_over(end)
        except BaseException as exc:  # raised again in the caller's thread
            hand_over(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        while (item := waiting.get()) is not end:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()


def _holds(path: Path, character: str | None, encoding: str = "utf-8") -> bool:
    """Whether the file's bytes hold the character (sure only of an encoding that keeps
    ASCII as it is: of any other, say it does)."""
    if not character:
        return False
    if encoding not in ("utf-8", "utf-8-sig") and not one_byte_ascii(encoding):
        return True
    with open(path, "rb") as file:
        if os.fstat(file.fileno()).st_size == 0:
            return False
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            return mapped.find(character.encode("utf-8")) >= 0


def _has_empty_row(batch: Batch) -> bool:
    """A row of empty cells only, which may be an empty line: pyarrow reads one as empty
    cells, Python's csv as no cell at all. Told from the cells' lengths, summed."""
    if not batch.columns or any(column.null_count for column in batch.columns):
        return bool(batch.columns)  # (strings are read as never null: be safe)
    rows = np.flatnonzero(np.diff(cell_ends(batch.columns[0])) == 0)
    for column in batch.columns[1:]:
        if not len(rows):
            break
        ends = cell_ends(column)
        rows = rows[ends[rows + 1] == ends[rows]]  # still empty in this column
    return bool(len(rows))


def detect_encoding(buffer: bytes) -> str:
    """frictionless's `Detector().detect_encoding(buffer)`, without importing frictionless."""
    detector = _encoding_detector()
    for line in buffer.splitlines():
        detector.feed(line)
    detector.close()
    encoding = detector.result["encoding"] or "utf-8"
    if (detector.result["confidence"] or 0) < 0.5:
        detected, encoding = encoding, "utf-8"
        try:
            buffer.decode(encoding)
        except UnicodeDecodeError:
            encoding = detected
    if encoding == "ascii":
        encoding = "utf-8"
    return named_for_bom(codecs.lookup(encoding).name, buffer)


def _encoding_detector() -> Any:
    """chardet's UniversalDetector, as frictionless makes it; for chardet 7.7 (the
    version pinned), one that leaves out the guess of the text's language.

    chardet 7 ends each detection by guessing the language, and the first guess of a
    process loads its language models: 0.07 s, a third of a small run, for a field that
    frictionless never reads. Its `fill_languages` step sets `language` alone (encoding,
    confidence and order stay), so the pipeline without it gives frictionless the same
    answer; tests/test_fast_engine.py compares the two. Any other chardet runs whole.
    """
    return _detector_class()()


@functools.cache
def _detector_class() -> type:
    import chardet

    if chardet.__version__ != "7.7.0":
        return chardet.UniversalDetector
    from chardet.pipeline import DetectionResult
    from chardet.pipeline.orchestrator import _run_pipeline_core

    class LanguageBlindDetector(chardet.UniversalDetector):
        def close(self) -> Any:
            if not self._closed:
                self._closed = True
                best = _run_pipeline_core(
                    bytes(self._buffer),
                    self._encoding_era,
                    max_bytes=self._max_bytes,
                    input_truncated=self._input_truncated,
                    include_encodings=self._include_encodings,
                    exclude_encodings=self._exclude_encodings,
                    no_match_encoding=self._no_match_encoding,
                    empty_input_encoding=self._empty_input_encoding,
                )[0]
                confidence = min(best.confidence, 1.0)  # as chardet's run_pipeline caps it
                self._result = DetectionResult(best.encoding, confidence, None, best.mime_type)
                self._done = True
            return self.result

    return LanguageBlindDetector


def named_for_bom(encoding: str, buffer: bytes) -> str:
    """frictionless's Detector names a codec that strips the BOM the buffer opens with."""
    if encoding == "utf-8" and buffer.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if (encoding, buffer[:2]) in (("utf-16-le", codecs.BOM_UTF16_LE),
                                  ("utf-16-be", codecs.BOM_UTF16_BE)):  # fmt: skip
        return "utf-16"
    return encoding


class Sniffer(csv.Sniffer):
    """Python's sniffer, answering the same in a fraction of the time.

    `_guess_delimiter` counts each of the 127 ASCII characters on every line, though
    only the candidate delimiters can ever be chosen: this copy of CPython 3.11's
    algorithm counts those alone (~20 ms less a file), step for step otherwise.
    """

    def _guess_delimiter(self, data, delimiters):
        if delimiters is None:
            return super()._guess_delimiter(data, delimiters)
        data = list(filter(None, data.split("\n")))
        candidates = [chr(c) for c in range(127) if chr(c) in delimiters]
        chunk_length = min(10, len(data))
        iteration = 0
        char_frequency: dict[str, dict[int, int]] = {}
        modes: dict[str, tuple[int, int]] = {}
        delims: dict[str, tuple[int, int]] = {}
        start, end = 0, chunk_length
        while start < len(data):
            iteration += 1
            for line in data[start:end]:
                for char in candidates:
                    meta = char_frequency.setdefault(char, {})
                    freq = line.count(char)
                    meta[freq] = meta.get(freq, 0) + 1
            for char, meta in char_frequency.items():
                items = list(meta.items())
                if len(items) == 1 and items[0][0] == 0:
                    continue
                if len(items) > 1:
                    mode = max(items, key=lambda x: x[1])
                    items.remove(mode)
                    modes[char] = (mode[0], mode[1] - sum(item[1] for item in items))
                else:
                    modes[char] = items[0]
            total = float(min(chunk_length * iteration, len(data)))
            consistency = 1.0
            while len(delims) == 0 and consistency >= 0.9:
                for k, v in modes.items():
                    if v[0] > 0 and v[1] > 0 and (v[1] / total) >= consistency:
                        delims[k] = v
                consistency -= 0.01
            if len(delims) == 1:
                delim = list(delims.keys())[0]
                return (delim, data[0].count(delim) == data[0].count(f"{delim} "))
            start = end
            end += chunk_length
        if not delims:
            return ("", 0)
        if len(delims) > 1:
            for d in self.preferred:
                if d in delims:
                    return (d, data[0].count(d) == data[0].count(f"{d} "))
        delim = sorted((v, k) for k, v in delims.items())[-1][1]
        return (delim, data[0].count(delim) == data[0].count(f"{delim} "))


def _sniffed_dialect(sample: list[str]) -> csv.Dialect:
    """What frictionless's CsvControl gives a CSV resource without a dialect."""
    try:
        config: Any = Sniffer().sniff("".join(sample), ",\t;|")
    except csv.Error:
        config = csv.excel()
    dialect = csv.excel()
    # CsvControl keeps its default where the sniffer found None.
    dialect.delimiter = config.delimiter if config.delimiter is not None else ","
    dialect.escapechar = config.escapechar
    dialect.doublequote = True
    if config.lineterminator is not None:
        dialect.lineterminator = config.lineterminator
    quote = '"' if config.quotechar in ("'", None) else config.quotechar
    dialect.quotechar = quote
    dialect.quoting = csv.QUOTE_NONE if quote == "" else csv.QUOTE_MINIMAL
    dialect.skipinitialspace = bool(config.skipinitialspace)
    return dialect


def _dialect_by_frictionless(
    descriptor: dict, resource: dict, sample: list[str]
) -> tuple[Any, Any]:
    """Python's dialect as frictionless's CsvParser makes it, and frictionless's Dialect."""
    from frictionless import Dialect
    from frictionless.formats.csv.control import CsvControl

    try:
        dialect = Dialect.from_descriptor(dict(descriptor))
    except Exception as exc:  # frictionless reports bad dialects itself
        raise Unsupported(f"dialect not understood: {exc}") from exc
    if dialect.header and dialect.header_rows != sorted(set(dialect.header_rows)):
        raise Unsupported("header rows out of order")

    # The same sniffing as frictionless's CsvParser, on the same sample.
    control = CsvControl.from_dialect(dialect)
    if resource.get("format", "csv") == "tsv":
        control.set_not_defined("delimiter", "\t")
    delimiter = control.get_defined("delimiter", default=",\t;|")
    try:
        config = Sniffer().sniff("".join(sample), delimiter)
    except csv.Error:
        config = csv.excel()
    if config.quotechar == "'":
        config.quotechar = '"'
    control.set_not_defined("delimiter", config.delimiter, distinct=True)
    control.set_not_defined("line_terminator", config.lineterminator, distinct=True)
    control.set_not_defined("escape_char", config.escapechar, distinct=True)
    control.set_not_defined("quote_char", config.quotechar, distinct=True)
    control.set_not_defined("skip_initial_space", config.skipinitialspace, distinct=True)
    return control.to_python(), dialect


@functools.cache
def one_byte_ascii(encoding: str) -> bool:
    """An encoding of one byte a character that leaves ASCII as it is (cp1252, latin-1,
    ...): pyarrow turns it into UTF-8 as it reads, and quotes, delimiters and line ends
    are the same bytes as in UTF-8."""
    text = bytes(range(256)).decode(encoding, errors="replace")
    return len(text) == 256 and text[:128] == "".join(map(chr, range(128)))


def _plain_ascii(buffer: bytes) -> bool:
    """ASCII that no ASCII-based encoding chardet knows (UTF-7, HZ, ISO-2022) could claim.

    Detection costs ~20 ms a file; and were chardet to name another ASCII-compatible
    encoding, these bytes would still read as the same text.
    """
    return buffer.isascii() and not any(mark in buffer for mark in (b"+", b"~", b"\x1b", b"\0"))


def detected_header_row(
    path: Path,
    encoding: str,
    dialect: Any,
    row_filter: RowFilter | None = None,
    compression: str | None = None,
    member: str | None = None,
) -> int:
    """The header row frictionless's Detector picks when the dialect names none: the first
    of its sample's records (blank ones included, comment rows not) whose width is near
    the average, so that comment lines and titles above a header are not taken for it."""
    with open_text(path, encoding, compression, member) as text:
        records = [
            cells
            for _, cells in zip(range(SNIFF_LINES), csv.reader(text, dialect=dialect), strict=False)
        ]
    if not records:
        return 1
    width = round(sum(len(cells) for cells in records) / len(records))
    drift = max(round(width * 0.1), 1)
    for number, cells in enumerate(records, start=1):
        if row_filter and row_filter.is_comment(number, cells):
            continue
        if width - drift <= len(cells) <= width + drift:
            return number
    return 1


READ_COMPRESSED = ("gz", "bz2", "zip")
_ARROW_CODECS = {"gz": "gzip", "bz2": "bz2"}


def zip_member(path: Path, innerpath: str | None = None) -> str:
    """The file of a zip archive frictionless reads: `innerpath`, else the first."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError) as exc:  # frictionless reports it
        raise Unsupported(f"the zip file cannot be read: {exc}") from exc
    member = innerpath or (names[0] if names else None)
    if not member or member.endswith("/") or member not in names:
        raise Unsupported("no file to read in the zip archive")  # frictionless says why
    return member


def open_bytes(path: Path, compression: str | None = None, member: str | None = None) -> Any:
    """The file's bytes, decompressed when it is (as frictionless reads them); of a zip
    archive, those of its `member`."""
    if compression == "zip":
        import zipfile

        archive = zipfile.ZipFile(path)
        opened = archive.open(member)
        archive.close()  # (the file stays open until its member is closed)
        return opened
    if compression == "gz":
        import gzip

        return gzip.open(path, "rb")
    if compression == "bz2":
        import bz2

        return bz2.open(path, "rb")
    return open(path, "rb")


def open_text(
    path: Path, encoding: str, compression: str | None = None, member: str | None = None
) -> Any:
    raw = open_bytes(path, compression, member)
    return io.TextIOWrapper(raw, encoding=encoding, newline="")


def open_csv_source(path: Path, resource: dict, compression: str | None = None) -> CsvSource:
    """Check the file can be read as frictionless would, and read its header.

    `resource["format"]` is the one frictionless gives it (tsv: tab-separated)."""
    member = zip_member(path, resource.get("innerpath")) if compression == "zip" else None
    try:
        with open_bytes(path, compression, member) as raw:
            buffer = raw.read(ENCODING_BUFFER)
    except (OSError, EOFError) as exc:  # a corrupt archive: frictionless reports it
        raise Unsupported(f"the {compression} file cannot be read: {exc}") from exc
    try:
        if resource.get("encoding"):
            # What frictionless's Detector makes of a declared encoding: its codec's name.
            encoding = named_for_bom(codecs.lookup(resource["encoding"]).name, buffer)
        elif _plain_ascii(buffer):
            encoding = "utf-8"  # what frictionless makes of chardet's "ascii" (no BOM)
        else:
            encoding = detect_encoding(buffer)
    except LookupError as exc:
        raise Unsupported(f"unknown encoding {resource.get('encoding')!r}") from exc

    descriptor = resource.get("dialect") or {}
    if not isinstance(descriptor, dict):
        raise Unsupported("dialect given as a path")
    unknown = set(descriptor) - _SUPPORTED_DIALECT_KEYS
    if unknown:
        raise Unsupported(f"dialect options {sorted(unknown)}")
    try:
        with open_text(path, encoding, compression, member) as text:
            sample = [line for _, line in zip(range(SNIFF_LINES), text, strict=False)]
    except UnicodeDecodeError as exc:  # frictionless reports the bytes it cannot read
        raise Unsupported(f"the file is not all {encoding}: {exc}") from exc
    if sample and sample[0].startswith("\ufeff"):
        # The codec keeps the byte order mark as text (UTF-7's, UTF-32-LE's...), and so
        # frictionless's first cell holds it; pyarrow would drop it from the UTF-8 text.
        raise Unsupported(f"a byte order mark read as text in {encoding}")
    header_rows, header_case, header_join = [1], True, " "
    row_filter = None
    if descriptor or resource.get("format", "csv") == "tsv":
        py_dialect, dialect = _dialect_by_frictionless(descriptor, resource, sample)
        header_rows = list(dialect.header_rows) if dialect.header else []
        header_case, header_join = dialect.header_case, dialect.header_join
        if not all(type(number) is int for number in dialect.comment_rows):
            raise Unsupported("commentRows that are not all integers")
        if dialect.comment_char or dialect.comment_rows or dialect.skip_blank_rows:
            row_filter = RowFilter(dialect.comment_char, frozenset(dialect.comment_rows),
                                   bool(dialect.skip_blank_rows))  # fmt: skip
    else:
        py_dialect = _sniffed_dialect(sample)
    if not (descriptor.get("header") is not None or "headerRows" in descriptor):
        try:
            header_rows = [
                detected_header_row(path, encoding, py_dialect, row_filter, compression, member)
            ]
        except UnicodeDecodeError as exc:  # (its records may go past the sample's lines)
            raise Unsupported(f"the file is not all {encoding}: {exc}") from exc

    last = header_rows[-1] if header_rows else 0
    quote = py_dialect.quotechar or "\0"
    if last > 1 and any(quote in line for line in sample[: last - 1]):
        # The records above the last header row are skipped as lines: each must be one
        # line, which a quoted value holding a line break is not.
        above = csv.reader(iter(sample), dialect=py_dialect)
        for _ in itertools.islice(above, last - 1):
            pass
        if above.line_num != last - 1:
            raise Unsupported(f"a record above the header on record {last} spans lines")
    # (newline="": the lines as the file ends them, a lone CR too, as csv asks)
    lines = io.StringIO("".join(sample), newline="")
    records = list(itertools.islice(csv.reader(lines, dialect=py_dialect), max(last, 1)))
    if not records or not records[-1] or len(records) < last:
        raise Unsupported(f"record {max(last, 1)}, the header, is empty or missing")
    if not header_rows:
        width = len(records[0])
        return CsvSource(path, encoding, py_dialect, [], True, header_rows=[], width=width,
                         row_filter=row_filter, compression=compression,
                         member=member)  # fmt: skip
    label_records = [
        records[number - 1]
        for number in header_rows
        if not (row_filter and row_filter.is_comment(number, records[number - 1]))
    ]
    if not label_records:
        raise Unsupported("every header record is a comment")
    labels = read_labels(label_records, header_join)
    line = sample[last - 1].rstrip("\r\n")
    header_one_line = not any("\n" in cell or "\r" in cell for cell in records[-1]) and (
        line.count(quote) % 2 == 0
    )
    return CsvSource(path, encoding, py_dialect, labels, header_one_line, header_rows,
                     header_case, width=len(labels), row_filter=row_filter,
                     compression=compression, member=member)  # fmt: skip


def read_labels(records: list[list[str]], join: str) -> list[str]:
    """frictionless's labels (`Dialect.read_labels`): the header records' cells stripped,
    a column's cells joined, a cell equal to the one above it taken once."""
    labels: list[str] = []
    above: dict[int, str] = {}
    for cells in records:
        for index, cell in enumerate(cell.strip() for cell in cells):
            if above.get(index) == cell:
                continue
            above[index] = cell
            if len(labels) <= index:
                labels.append(cell)
            else:
                labels[index] = join.join([labels[index], cell])
    return labels


PARQUET_BATCH_ROWS = 262_144
_AS_TEXT = (pa.types.is_string, pa.types.is_large_string, pa.types.is_integer,
            pa.types.is_floating, pa.types.is_boolean, pa.types.is_date32,
            pa.types.is_timestamp)  # fmt: skip


@dataclass
class ParquetSource:
    """A Parquet file read as the CSV that pyarrow's writer makes of the same table.

    frictionless reads Parquet only through a plugin; the findings promised are those
    frictionless gives on that CSV. Each typed column becomes the text the writer
    puts in the cell (nulls as empty cells), and is then checked as a CSV column.
    """

    path: Path
    labels: list[str]
    types: list[pa.DataType] = field(default_factory=list)  # the columns' Arrow types
    exact: bool = False  # no other reader to fall back to: the text is already exact
    # The writer puts one header on row 1, whose labels are the column names.
    header_rows: list[int] = field(default_factory=lambda: [1])
    header_case: bool = True
    first_row: int = 2
    # Text columns stored as a dictionary of few values: read as that dictionary, so
    # that each distinct value is checked once.
    few_values: list[str] = field(default_factory=list)

    def batches(self, proven: Callable[[list[Any]], set[int]] | None = None) -> Iterator[Batch]:
        """Batches whose columns stay typed; their text is made only where it is read
        (a doubtful cell, a row with a finding, a column the typed checks do not cover).
        Each batch carries its row group's statistics (min, max, null count).

        `proven` names, from a row group's statistics, the columns they prove valid: those
        are not read (a None in `typed`) unless a row with a finding needs their text."""
        import pyarrow.parquet as pq

        names = self.labels
        # pre_buffer coalesces reads for remote storage; on a local file it only delays
        # the first batch (measured: ~0.08 s less a 2M-row run without it).
        with pq.ParquetFile(self.path, read_dictionary=self.few_values, pre_buffer=False) as file:
            # Every row group's statistics are in the footer: what each proves is decided
            # here, on the caller's thread, before the reader starts.
            groups = []
            for group in range(file.metadata.num_row_groups):
                meta = file.metadata.row_group(group)
                stats = [_readable(meta.column(i).statistics) for i in range(meta.num_columns)]
                groups.append((group, stats, proven(stats) if proven else set()))

            def decoded() -> Iterator[tuple[Any, ...]]:
                for group, stats, unread in groups:
                    read = [name for position, name in enumerate(names) if position not in unread]
                    offset = 0
                    for record_batch in file.iter_batches(
                        batch_size=PARQUET_BATCH_ROWS, row_groups=[group], columns=read
                    ):
                        yield group, offset, stats, unread, record_batch
                        offset += record_batch.num_rows

            start = 0
            with _LaterColumns(self.path) as later:
                for group, offset, stats, unread, record_batch in read_ahead(decoded()):
                    columns = iter(record_batch.columns)
                    typed = [None if p in unread else next(columns) for p in range(len(names))]
                    rows = (group, offset, record_batch.num_rows)
                    yield Batch(start, TextColumns(typed, later, rows), record_batch.num_rows,
                                typed=typed, stats=stats)  # fmt: skip
                    start += record_batch.num_rows


class _LaterColumns:
    """Columns left unread, read when a row with a finding needs their text: a row
    group's column at a time, from a file of its own (the batches' reader runs on
    another thread)."""

    def __init__(self, path: Path):
        self.path = path
        self._file: Any = None
        self._group = -1
        self._read: dict[int, pa.Array] = {}  # position -> column, of `_group` only

    def __enter__(self) -> _LaterColumns:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self._file is not None:
            self._file.close()

    def read(self, group: int, position: int) -> pa.Array:
        if group != self._group:
            self._group, self._read = group, {}  # batches come group after group
        if position not in self._read:
            import pyarrow.parquet as pq

            if self._file is None:
                self._file = pq.ParquetFile(self.path)
            name = self._file.schema_arrow.names[position]
            table = self._file.read_row_group(group, columns=[name])
            self._read[position] = table.column(0).combine_chunks()
        return self._read[position]


class TextColumns(list):
    """The CSV text of typed columns, each made on first use."""

    def __init__(self, typed: list[pa.Array | None], later: _LaterColumns | None = None,
                 rows: tuple[int, int, int] = (0, 0, 0)):  # fmt: skip
        super().__init__([None] * len(typed))
        self._typed = typed
        self._later = later
        self._rows = rows  # (row group, first row in it, rows)

    def typed(self, position: int) -> pa.Array:
        """A typed column; one its statistics proved (left unread) is read now."""
        if self._typed[position] is None:
            group, offset, count = self._rows
            self._typed[position] = self._later.read(group, position).slice(offset, count)
        return self._typed[position]

    def __getitem__(self, position):
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        text = super().__getitem__(position)
        if text is None:
            text = as_csv_text(self.typed(position))
            self[position] = text
        return text

    def __iter__(self):
        return (self[i] for i in range(len(self)))


def as_csv_text(column: pa.Array) -> pa.Array:
    """What pyarrow's CSV writer puts in the cells of a typed column (nulls: empty)."""
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    if not pa.types.is_string(column.type):
        column = pc.cast(column, pa.string())
    return column.fill_null("") if column.null_count else column


def _readable(stats: Any) -> Any:
    """A column chunk's statistics, or None when their min or max is beyond Python's
    range (a date of year 10000): then they prove nothing and the values are read."""
    if stats is None or not stats.has_min_max:
        return stats
    try:
        stats.min, stats.max  # noqa: B018 (converted here, once, to see that they can be)
    except (OverflowError, ValueError):
        return None
    return stats


def open_parquet_source(path: Path) -> ParquetSource:
    """Check every column has a type whose text form is the CSV writer's; read the labels."""
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise Unsupported(f"pyarrow cannot read the Parquet file: {exc}") from exc
    for arrow_field in schema:
        kind = arrow_field.type
        if pa.types.is_dictionary(kind):
            kind = kind.value_type
        if not any(test(kind) for test in _AS_TEXT):
            raise Unsupported(f"Parquet column {arrow_field.name!r} of type {kind}")
    return ParquetSource(path, list(schema.names), list(schema.types),
                         few_values=_few_values(path, schema))  # fmt: skip


def _few_values(path: Path, schema: pa.Schema) -> list[str]:
    """The text columns whose every chunk is dictionary-encoded: their data pages then
    hold small indices only. (A writer falls back to plain values when the dictionary
    outgrows its page; reading those as a dictionary would be slower, not wrong.)"""
    import pyarrow.parquet as pq

    metadata = pq.read_metadata(path)
    text = [i for i, f in enumerate(schema) if pa.types.is_string(f.type)]
    few = []
    for position in text:
        chunks = [metadata.row_group(g).column(position) for g in range(metadata.num_row_groups)]
        if chunks and all(
            chunk.has_dictionary_page
            and chunk.total_uncompressed_size <= 2 * chunk.num_values + (1 << 20)
            for chunk in chunks
        ):
            few.append(schema[position].name)
    return few
