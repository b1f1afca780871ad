"""Findings as GitHub Actions workflow commands, so a pull request shows them on its diff.

`::error file=<path>,line=<n>,title=<type>::<message>`: the path is relative to the
project root (the repository's root in CI), the line is the source YAML line, the
schema line, or the CSV line of a data finding. Escaping follows GitHub's toolkit
(`@actions/core`, command.ts): `%`, CR and LF in the message; also `:` and `,` in the
properties.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path

import click

from ..errors import DdetError, SourceError

FORMATS = ("text", "github")
# "path/to/file.json:12: message" or "path/to/file.json: message", as the toolkit's
# error messages and lint findings start.
LOCATED = re.compile(
    r"^(?P<path>[^\s:][^:]*?\.(?:ya?ml|json|csv|txt|html|toml))(?::(?P<line>\d+))?: "
)
FIELD = re.compile(r"^field '(?P<field>[^']+)': ")


@dataclass(frozen=True)
class Annotation:
    """One workflow command; `file` is relative to the project root when it lies inside."""

    message: str
    title: str = ""
    file: str | None = None
    line: int | None = None
    level: str = "error"

    def command(self) -> str:
        properties = [
            (name, value)
            for name, value in (("file", self.file), ("line", self.line), ("title", self.title))
            if value not in (None, "")
        ]
        joined = ",".join(f"{name}={escape_property(str(value))}" for name, value in properties)
        head = f"::{self.level} {joined}" if joined else f"::{self.level}"
        return f"{head}::{escape_data(self.message)}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def default_format() -> str:
    """github inside GitHub Actions (which sets GITHUB_ACTIONS=true), text elsewhere."""
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def relative(path: Path | str, root: Path) -> str:
    """The path as GitHub wants it: from the repository root, with forward slashes.
    `path` is as the toolkit names files: from the current folder, as `root` is."""
    path = Path(path)
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


# -- errors that stop a command --------------------------------------------------------


def error_annotation(error: DdetError, root: Path) -> Annotation:
    """A SourceError at its file and line; any other error at the file its message names."""
    title = type(error).__name__
    if isinstance(error, SourceError) and error.path is not None:
        return Annotation(error.reason, title, relative(error.path, root), error.line)
    return located_annotation(str(error), title, root)


def located_annotation(text: str, title: str, root: Path) -> Annotation:
    """From a "path[:line]: message" text: at that file and line when the file exists."""
    match = LOCATED.match(text)
    if match is None or not Path(match["path"]).is_file():
        return Annotation(text, title)
    line = int(match["line"]) if match["line"] else None
    return Annotation(text[match.end() :], title, relative(match["path"], root), line)


@contextmanager
def annotated_errors(output_format: str, root: Path) -> Iterator[None]:
    """In github format, a DdetError is also printed as an annotation before it propagates
    (the main group still prints its one line and exits with its code)."""
    try:
        yield
    except DdetError as error:
        if output_format == "github":
            click.echo(error_annotation(error, root).command())
        raise


def format_option(choices: Iterable[str] = FORMATS) -> Callable:
    """`--format` for a command: stored in ctx.obj["format"], defaulting to github in
    GitHub Actions; in github format a failure of the command is also an annotation."""
    choices = tuple(choices)

    def decorate(command: Callable) -> Callable:
        @wraps(command)
        def wrapper(*args, output_format: str | None, **kwargs):
            ctx = click.get_current_context()
            chosen = output_format or default_format()
            ctx.obj = {**(ctx.obj or {}), "format": chosen}
            with annotated_errors(chosen, Path((ctx.obj or {}).get("root", "."))):
                return command(*args, **kwargs)

        return click.option(
            "--format",
            "output_format",
            type=click.Choice(choices),
            default=None,
            help="Output: text (default), github (workflow commands; the default when "
            "GITHUB_ACTIONS=true)" + (", json (as --json)" if "json" in choices else "") + ".",
        )(wrapper)

    return decorate


def output_format(ctx: click.Context) -> str:
    return (ctx.obj or {}).get("format") or default_format()


# -- validation reports ----------------------------------------------------------------


def report_annotations(report: dict, folders: Iterable[Path], root: Path) -> list[Annotation]:
    """Every error of a validation report, at its table file and (for a CSV) the line
    where its row starts. `folders` are those the validated resources' paths start from."""
    folders = [Path(folder) for folder in folders]
    located = []
    for task in report.get("tasks", []):
        path = task_file(task.get("place") or "", task.get("name"), folders)
        located += [(path, error) for error in task.get("errors", [])]
    wanted: dict[Path, set[int]] = {}
    for path, error in located:
        if path is not None and path.suffix == ".csv" and error.get("rowNumber"):
            wanted.setdefault(path, set()).add(error["rowNumber"])
    lines = {path: record_lines(path, rows) for path, rows in wanted.items()}
    annotations = []
    for path, error in located:
        row = error.get("rowNumber")
        line = lines.get(path, {}).get(row) if row else None
        message = error.get("message", "")
        if row and line is None:
            message = f"row {row}: {message}"
        file = relative(path, root) if path is not None else None
        annotations.append(Annotation(message, error.get("type", ""), file, line))
    for error in report.get("errors", []):
        annotations.append(Annotation(error.get("message", ""), error.get("type", "")))
    return annotations


def task_file(place: str, name: str | None, folders: list[Path]) -> Path | None:
    """The file a task validated: under the folder whose package declares it."""
    candidates = [folder for folder in folders if place and (folder / place).is_file()]
    if len(candidates) > 1 and name:
        from ..package.reader import DESCRIPTOR, PackageFolder

        for folder in candidates:
            if (folder / DESCRIPTOR).is_file():
                resources = PackageFolder(folder, DdetError).resources
                if any(r.get("name") == name and r.get("path") == place for r in resources):
                    return folder / place
    if candidates:
        return candidates[0] / place
    return Path(place) if place and Path(place).is_file() else None


def record_lines(path: Path, rows: set[int]) -> dict[int, int]:
    """The line where each of `rows` starts in a CSV file. frictionless numbers records
    (the header is row 1), and a quoted cell holding a newline makes lines and rows differ."""
    found = {}
    last = max(rows)
    try:
        with open(path, encoding="utf-8", newline="") as stream:
            reader = csv.reader(stream)
            start = 1
            for number, _ in enumerate(reader, start=1):
                if number in rows:
                    found[number] = start
                if number >= last:
                    break
                start = reader.line_num + 1
    except (OSError, UnicodeDecodeError, csv.Error):
        pass  # the report already says what is wrong with the file; no line then
    return found


# -- schema lint -----------------------------------------------------------------------


def lint_annotations(findings: Iterable[str], root: Path) -> list[Annotation]:
    """Lint findings ("schemas/x.json: field 'y': ...") at the schema file, and at the
    line where the field is declared when the finding names one."""
    annotations = []
    for finding in findings:
        annotation = located_annotation(str(finding), "schema lint", root)
        field = FIELD.match(annotation.message)
        if annotation.file and annotation.line is None and field:
            line = field_line(root / annotation.file, field["field"])
            annotation = Annotation(annotation.message, annotation.title, annotation.file, line)
        annotations.append(annotation)
    return annotations


def field_line(path: Path, name: str) -> int | None:
    """The line of the field's `"name": "<name>"` in a schema file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    # From the "fields" key on: a licence or a contributor has a "name" too.
    pattern = re.compile(r'"name"\s*:\s*' + re.escape(f'"{name}"'))
    match = pattern.search(text, max(text.find('"fields"'), 0))
    return text.count("\n", 0, match.start()) + 1 if match else None
