"""Validation reports in frictionless's shape, so tooling written for it reads ours.

A report is a plain dict: {valid, stats, warnings, errors, tasks: [{name, place, valid,
stats, errors: [...]}, ...]}. Project checks add errors of their own types to the task
of the table they concern.
"""

from __future__ import annotations

TAGS = ["#table", "#row", "#cell"]


def cell_error(
    error_type: str,
    title: str,
    description: str,
    note: str,
    *,
    row_number: int,
    field_name: str,
    field_number: int,
    cell: str,
) -> dict:
    """An error about one cell, with the keys frictionless gives its cell errors."""
    message = (
        f'{title} in the cell "{cell}" in row "{row_number}" and field "{field_name}" '
        f'at position "{field_number}": {note}'
    )
    return {
        "type": error_type,
        "title": title,
        "description": description,
        "message": message,
        "tags": TAGS,
        "note": note,
        "cells": [],
        "rowNumber": row_number,
        "cell": cell,
        "fieldName": field_name,
        "fieldNumber": field_number,
    }


def task_report(name: str, place: str, errors: list[dict], rows: int | None = None) -> dict:
    return {
        "name": name,
        "type": "table",
        "valid": not errors,
        "place": place,
        "labels": [],
        "stats": {
            "errors": len(errors),
            "warnings": 0,
            "seconds": 0.0,
            **({"rows": rows} if rows is not None else {}),
        },
        "warnings": [],
        "errors": errors,
    }


def combine(
    tasks: list[dict],
    warnings: list[str] | None = None,
    errors: list[dict] | None = None,
    counted_warnings: int = 0,
) -> dict:
    """The whole report from its tasks and report-level errors (a descriptor frictionless
    could not open); valid only when every task is and there is no such error.
    `counted_warnings`: task warnings frictionless counts in the report's stats (those of
    a file or resource validated alone), beside the listed `warnings`."""
    errors = list(errors or [])
    return {
        "valid": all(task["valid"] for task in tasks) and not errors,
        "stats": {
            "tasks": len(tasks),
            "errors": sum(len(task["errors"]) for task in tasks) + len(errors),
            "warnings": len(warnings or []) + counted_warnings,
            "seconds": round(sum(task["stats"].get("seconds", 0.0) for task in tasks), 3),
        },
        "warnings": list(warnings or []),
        "errors": errors,
        "tasks": tasks,
    }


def add_errors(task: dict, errors: list[dict]) -> None:
    """Append project-check errors to a task, keeping its counts and validity right."""
    if not errors:
        return
    task["errors"].extend(errors)
    task["stats"]["errors"] = len(task["errors"])
    task["valid"] = False


def error_rows(report: dict) -> list[tuple[str, str, str, str, str]]:
    """(place, row, field, type, message) for every error, in report order."""
    rows = []
    for task in report["tasks"]:
        for error in task["errors"]:
            rows.append(
                (
                    task.get("place", task.get("name", "")),
                    str(error.get("rowNumber", "")),
                    str(error.get("fieldName", "")),
                    error["type"],
                    error.get("message", ""),
                )
            )
    for error in report.get("errors", []):
        rows.append(("", "", "", error.get("type", ""), error.get("message", "")))
    return rows


def render_text(report: dict) -> str:
    """A readable table for a terminal: one line per error, then a summary line."""
    rows = error_rows(report)
    lines = []
    if rows:
        header = ("file", "row", "field", "type", "message")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
        for row in [header, *rows]:
            lines.append("  ".join(row[i].ljust(widths[i]) for i in range(4)) + "  " + row[4])
    for warning in report.get("warnings", []):
        lines.append(f"note: {warning}")
    tasks = report["tasks"]
    status = "valid" if report["valid"] else "INVALID"
    lines.append(f"{status}: {_counted(len(tasks), 'resource')} checked, "
                 f"{_counted(len(rows), 'error')}")  # fmt: skip
    return "\n".join(lines)


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
