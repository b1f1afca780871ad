"""Turning what the fast engine found in a row into frictionless's errors, in its order.

frictionless reads a row's cells lazily: the integrity checks touch the unique,
primary-key and foreign-key fields first, and the rest of the row is read only when
an integrity error is attached or when the row is finally validated. That decides the
order of a row's errors, so `row_errors` replays the same sequence of reads.
Errors are built as the dicts frictionless's error classes export (same keys, order and
message template) without instantiating them: at ~0.2 ms an object, a million-row
file with 1% of bad rows would spend seconds there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RowFinding:
    """Everything wrong with one row, gathered column by column."""

    index: int  # 0-based data row
    cells: list[str | None]
    # field position -> [(kind, note, source cell)] as the cell reader reported them
    cell_notes: dict[int, list[tuple[str, str, Any]]] = field(default_factory=dict)
    extra: list[tuple[int, str]] = field(default_factory=list)  # (field number, cell)
    missing: list[int] = field(default_factory=list)  # field positions
    blank: bool = False
    unique: dict[int, tuple[int, str]] = field(default_factory=dict)  # field -> (prev row, cell)
    primary_key: str | None = None  # the note
    foreign_keys: dict[int, dict] = field(default_factory=dict)  # group -> error options
    first_row: int = 2  # frictionless's number of data row 0 (a header on row 1 before it)
    number: int | None = None  # frictionless's row number, when rows were left out before

    @property
    def row_number(self) -> int:
        return self.number if self.number is not None else self.index + self.first_row

    def count_known(self) -> int:
        """Errors known while streaming (a lower bound before duplicates are added)."""
        if self.blank:
            return 1 + (self.primary_key is not None) + len(self.unique) + len(self.foreign_keys)
        cells = sum(len(notes) for notes in self.cell_notes.values())
        integrity = (self.primary_key is not None) + len(self.unique) + len(self.foreign_keys)
        return cells + len(self.extra) + len(self.missing) + integrity


@dataclass
class IntegrityPlan:
    """Which fields frictionless reads first in a row, in its order."""

    field_names: list[str]
    unique_fields: list[int]
    primary_key_fields: list[int]
    foreign_key_groups: list[list[int]]


@dataclass(frozen=True)
class ErrorKind:
    """What frictionless 5's error class of one row error exports. These are its report's
    vocabulary, which a reader of the report matches on; kept here so that reporting a
    bad cell does not import frictionless (~0.25 s). tests/test_readers.py holds each
    to frictionless's class."""

    type: str
    title: str
    description: str
    tags: tuple[str, ...]
    template: str


_CELL_TAGS = ("#table", "#row", "#cell")
_SAME_WIDTH = (
    "the header row (the first row in the data source). A key concept is that all the rows "
    "in tabular data must have the same number of columns."
)
TYPE_ERROR = ErrorKind(
    "type-error", "Type Error",
    "The value does not match the schema type and format for this field.", _CELL_TAGS,
    'Type error in the cell "{cell}" in row "{rowNumber}" and field "{fieldName}" at '
    'position "{fieldNumber}": {note}',
)  # fmt: skip
CONSTRAINT_ERROR = ErrorKind(
    "constraint-error", "Constraint Error",
    "A field value does not conform to a constraint.", _CELL_TAGS,
    'The cell "{cell}" in row at position "{rowNumber}" and field "{fieldName}" at position '
    '"{fieldNumber}" does not conform to a constraint: {note}',
)  # fmt: skip
EXTRA_CELL = ErrorKind(
    "extra-cell", "Extra Cell", f"This row has more values compared to {_SAME_WIDTH}",
    _CELL_TAGS, 'Row at position "{rowNumber}" has an extra value in field at position '
    '"{fieldNumber}"',
)  # fmt: skip
MISSING_CELL = ErrorKind(
    "missing-cell", "Missing Cell", f"This row has less values compared to {_SAME_WIDTH}",
    _CELL_TAGS, 'Row at position "{rowNumber}" has a missing cell in field "{fieldName}" at '
    'position "{fieldNumber}"',
)  # fmt: skip
BLANK_ROW = ErrorKind(
    "blank-row", "Blank Row", "This row is empty. A row should contain at least one value.",
    ("#table", "#row"), 'Row at position "{rowNumber}" is completely blank',
)  # fmt: skip
UNIQUE_ERROR = ErrorKind(
    "unique-error", "Unique Error",
    "This field is a unique field but it contains a value that has been used in another row.",
    _CELL_TAGS, 'Row at position "{rowNumber}" has unique constraint violation in field '
    '"{fieldName}" at position "{fieldNumber}": {note}',
)  # fmt: skip
PRIMARY_KEY = ErrorKind(
    "primary-key", "PrimaryKey Error",
    "Values in the primary key fields should be unique for every row", ("#table", "#row"),
    'Row at position "{rowNumber}" violates the primary key: {note}',
)  # fmt: skip
FOREIGN_KEY = ErrorKind(
    "foreign-key", "ForeignKey Error",
    "Values in the foreign key fields should exist in the reference table", ("#table", "#row"),
    'Row at position "{rowNumber}" violates the foreign key: {note}',
)  # fmt: skip
# By frictionless's class names, which the test compares them with
ROW_ERRORS = {
    "TypeError": TYPE_ERROR, "ConstraintError": CONSTRAINT_ERROR, "ExtraCellError": EXTRA_CELL,
    "MissingCellError": MISSING_CELL, "BlankRowError": BLANK_ROW, "UniqueError": UNIQUE_ERROR,
    "PrimaryKeyError": PRIMARY_KEY, "ForeignKeyError": FOREIGN_KEY,
}  # fmt: skip


class _BlankForMissing(dict):
    """frictionless formats its templates so: a property not given reads as ''."""

    def __missing__(self, key: str) -> str:
        return ""


def error_dict(kind: ErrorKind, **properties: Any) -> dict:
    """What frictionless's `error_class(...).to_dict()` returns; `properties` in camelCase,
    note first."""
    made = {
        "type": kind.type,
        "title": kind.title,
        "description": kind.description,
        "message": "",
        "tags": list(kind.tags),
        **properties,
    }
    made["message"] = kind.template.format_map(_BlankForMissing(made))
    return made


def row_errors(finding: RowFinding, plan: IntegrityPlan) -> list[dict]:
    cells = [cell if cell is not None else "" for cell in finding.cells]
    row_number = finding.row_number
    names = plan.field_names
    found: list = []
    read: set[int] = set()
    fully_read = False

    def cell_errors(position: int) -> list:
        made = []
        for kind, note, source in finding.cell_notes.get(position, []):
            made.append(
                error_dict(
                    TYPE_ERROR if kind == "type" else CONSTRAINT_ERROR,
                    note=note,
                    cells=cells,
                    rowNumber=row_number,
                    cell=str(source),
                    fieldName=names[position],
                    fieldNumber=position + 1,
                )
            )
        return made

    def read_cell(position: int) -> None:
        if not fully_read and position not in read:
            read.add(position)
            found.extend(cell_errors(position))

    def read_row() -> None:
        nonlocal fully_read, found
        if fully_read:
            return
        for position in sorted(finding.cell_notes):  # other cells add no error
            read_cell(position)
        for number, cell in finding.extra:
            found.append(
                error_dict(
                    EXTRA_CELL,
                    note="",
                    cells=cells,
                    rowNumber=row_number,
                    cell=str(cell),
                    fieldName="",
                    fieldNumber=number,
                )
            )
        for position in finding.missing:
            found.append(
                error_dict(
                    MISSING_CELL,
                    note="",
                    cells=cells,
                    rowNumber=row_number,
                    cell="",
                    fieldName=names[position],
                    fieldNumber=position + 1,
                )
            )
        if finding.blank:
            found = [error_dict(BLANK_ROW, note="", cells=cells, rowNumber=row_number)]
        fully_read = True

    for position in plan.unique_fields:
        read_cell(position)
        if position in finding.unique:
            previous, cell = finding.unique[position]
            read_row()
            found.append(
                error_dict(
                    UNIQUE_ERROR,
                    note=f"the same as in the row at position {previous}",
                    cells=cells,
                    rowNumber=row_number,
                    cell=cell,
                    fieldName=names[position],
                    fieldNumber=position + 1,
                )
            )
    for position in plan.primary_key_fields:
        read_cell(position)
    if finding.primary_key is not None:
        read_row()
        found.append(
            error_dict(
                PRIMARY_KEY, note=finding.primary_key, cells=cells, rowNumber=row_number
            )
        )
    for group_index, positions in enumerate(plan.foreign_key_groups):
        for position in positions:
            read_cell(position)
        if group_index in finding.foreign_keys:
            read_row()
            options = finding.foreign_keys[group_index]
            found.append(
                error_dict(
                    FOREIGN_KEY,
                    note=options["note"],
                    cells=cells,
                    rowNumber=row_number,
                    fieldNames=options["field_names"],
                    fieldCells=options["field_cells"],
                    referenceName=options["reference_name"],
                    referenceFieldNames=options["reference_field_names"],
                )
            )
    read_row()
    return found
