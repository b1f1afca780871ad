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


def error_dict(error_class: type, **properties: Any) -> dict:
    """What `error_class(...).to_dict()` returns; `properties` in camelCase, note first."""
    from frictionless.helpers import safe_format

    made = {
        "type": error_class.type,
        "title": error_class.title,
        "description": error_class.description,
        "message": "",
        "tags": list(error_class.tags),
        **properties,
    }
    made["message"] = safe_format(error_class.template, made)
    return made


def row_errors(finding: RowFinding, plan: IntegrityPlan) -> list[dict]:
    from frictionless import errors

    cells = [cell if cell is not None else "" for cell in finding.cells]
    row_number = finding.row_number
    names = plan.field_names
    found: list = []
    read: set[int] = set()
    fully_read = False

    def cell_errors(position: int) -> list:
        made = []
        for kind, note, source in finding.cell_notes.get(position, []):
            error_class = errors.TypeError if kind == "type" else errors.ConstraintError
            made.append(
                error_dict(
                    error_class,
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
                    errors.ExtraCellError,
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
                    errors.MissingCellError,
                    note="",
                    cells=cells,
                    rowNumber=row_number,
                    cell="",
                    fieldName=names[position],
                    fieldNumber=position + 1,
                )
            )
        if finding.blank:
            found = [error_dict(errors.BlankRowError, note="", cells=cells, rowNumber=row_number)]
        fully_read = True

    for position in plan.unique_fields:
        read_cell(position)
        if position in finding.unique:
            previous, cell = finding.unique[position]
            read_row()
            found.append(
                error_dict(
                    errors.UniqueError,
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
                errors.PrimaryKeyError, note=finding.primary_key, cells=cells, rowNumber=row_number
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
                    errors.ForeignKeyError,
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
