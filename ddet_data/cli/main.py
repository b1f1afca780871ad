"""The `ddet-data` command line: thin commands over the library.

This module is the only place that prints or exits. A `DdetError` becomes one line
on stderr and its exit code; `--debug` shows the traceback instead.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import click

from ..errors import EXIT_INVALID, DdetError
from .annotations import format_option, output_format
from .context import folder_option

EPILOG_BUILD = """\b
Examples:
  ddet-data build            rebuild datapackages/ from sources/ and schemas/
  ddet-data build --check    exit 1 if datapackages/ is stale (CI)
"""
EPILOG_VALIDATE = """\b
Examples:
  ddet-data validate                                   every package in datapackages/
  ddet-data validate datapackages/opsn/datapackage.json
  ddet-data validate big.csv --schema schemas/facts.json --engine fast
  ddet-data validate --json > report.json              frictionless-shaped report
  ddet-data validate /data/x.csv --schema ../s.json --trusted
                                       paths outside the current folder, read anyway
"""
EPILOG_LINT = """\b
Example:
  ddet-data lint             check every schema in schemas/ (offline)
"""


# The commands of the other stages live in their own modules, over their libraries.
# They are imported only when named (or listed by --help): `validate` should not pay
# for publishing's imports (urllib, http.client, ssl: ~40 ms of every run).
LAZY_COMMANDS = {
    "ingest": "ingest",
    "new": "new",
    "plan": "publish",
    "publish": "publish",
    "sandbox": "sandbox",
    "download": "research",
    "docs": "research",
    "preview": "preview",
}


class DdetGroup(click.Group):
    """Turns the library's errors into one line and an exit code, in one place."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str):
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            register_module(self, LAZY_COMMANDS[cmd_name])
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DdetError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=DdetGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ddet-data", prog_name="ddet-data")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@folder_option("--root", ".", help="Project folder holding sources/, schemas/ and datapackages/.")
@click.pass_context
def cli(ctx: click.Context, debug: bool, root: Path) -> None:
    """Turn the DDET newsletter, its interviews and facts about OPSN into open data."""
    ctx.obj = {"debug": debug, "root": root}


def project_of(ctx: click.Context):
    from ..project import Project

    return Project(ctx.obj["root"])


def render_json(data) -> str:
    """Indented for a person at a terminal; compact when piped (a large report prints
    several times faster, and programs do not care)."""
    if sys.stdout.isatty():
        return json.dumps(data, ensure_ascii=False, indent=2)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


@cli.command(epilog=EPILOG_BUILD)
@format_option()
@click.option("--check", is_flag=True, help="Build aside and compare; change nothing.")
@click.pass_context
def build(ctx: click.Context, check: bool) -> None:
    """Build the data packages from sources/ and schemas/."""
    from ..build import build as build_packages
    from ..build import stale_files

    project = project_of(ctx)
    if check:
        differences = stale_files(project)
        if differences:
            for line in differences:
                click.echo(f"stale: {line}")
            click.echo("datapackages/ is stale: run 'ddet-data build' and commit", err=True)
            ctx.exit(1)
        click.echo("datapackages/ is up to date")
        return
    result = build_packages(project)
    for package, tables in result.packages.items():
        for line in release_lines(result.releases[package], tables):
            click.echo(line)


def release_lines(release, tables: dict[str, int]) -> list[str]:
    """`opsn 1.0.0 -> 1.1.0 (minor since releases/opsn)`, then one line per changed table."""
    from ..package.changelog import MAJOR, MINOR, PATCH

    level = {MAJOR: "major", MINOR: "minor", PATCH: "patch"}.get(release.changes.level)
    rows = sum(tables.values())
    if release.base_version is None:
        head = f"{release.package} {release.version} (first version: no release to compare with)"
    elif release.version == release.base_version:
        head = f"{release.package} {release.version} (unchanged since {release.base})"
    else:
        head = (
            f"{release.package} {release.base_version} -> {release.version} "
            f"({level} since {release.base})"
        )
    lines = [f"{head}: {len(tables)} tables, {rows} rows"]
    for table, found in release.changes.tables.items():
        if release.base_version is None or not (
            found.added or found.removed or found.changed or found.schema
        ):
            continue
        counts = f"+{len(found.added)} -{len(found.removed)} ~{len(found.changed)} rows"
        schema = f", schema: {'; '.join(c.text for c in found.schema)}" if found.schema else ""
        lines.append(f"  {table}: {counts}{schema}")
    return lines


@cli.command(epilog=EPILOG_VALIDATE)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--schema",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Table Schema for a CSV or Parquet file given as PATH.",
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "fast", "frictionless"]),
    default="auto",
    show_default=True,
    help="fast: vectorized pyarrow engine; auto: fast, falling back to frictionless.",
)
@click.option("--limit-errors", type=click.IntRange(min=1), default=1000, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print frictionless's report shape.")
@click.option(
    "--trusted",
    is_flag=True,
    help="Read paths frictionless refuses by default (absolute, with '../', '~' or a "
    "variable), as `frictionless validate --trusted` does.",
)
@format_option(("text", "github", "json"))
@click.pass_context
def validate(ctx, paths, schema, engine, limit_errors, as_json, trusted) -> None:
    """Validate data packages: types, constraints, keys, and the project's checks.

    Exit status: 0 valid, 3 invalid, 1 the tool failed.
    """
    from ..validate import validate_paths
    from ..validate.report import render_text

    project = project_of(ctx)
    as_json = as_json or output_format(ctx) == "json"
    if not paths:
        from ..package.reader import package_folders

        paths = [folder / "datapackage.json" for folder in package_folders(project.datapackages)]
    sources_root = project.sources if project.sources.is_dir() else None
    from .progress import Progress

    with Progress(enabled=False if as_json else None) as progress:
        report = validate_paths(
            list(paths),
            schema=schema,
            project_schemas=project.schemas,
            engine=engine,
            limit_errors=limit_errors,
            sources_root=sources_root,
            on_resource=lambda name, index, total: progress("resources", index, total),
            hashes=as_json,  # the text and its annotations show no md5 or sha256
            trusted=trusted,  # else frictionless's refusal of paths outside the folder
        )
    if output_format(ctx) == "github" and not as_json:  # JSON is for programs: left whole
        from .annotations import report_annotations

        folders = [path if path.is_dir() else path.parent for path in map(Path, paths)]
        for annotation in report_annotations(report, folders, project.root):
            click.echo(annotation.command())
    click.echo(render_json(report) if as_json else render_text(report))
    global _validation_done
    _validation_done = True
    ctx.exit(0 if report["valid"] else EXIT_INVALID)


@cli.command(epilog=EPILOG_LINT)
@format_option()
@click.pass_context
def lint(ctx: click.Context) -> None:
    """Check schemas/: metadata, French descriptions, examples, enums, keys, usage."""
    from ..package.schemas import lint_schemas
    from ..project import load_specs

    project = project_of(ctx)
    packages = {name: spec.tables for name, spec in load_specs(project).items()}
    findings = lint_schemas(project.schemas, packages)
    if output_format(ctx) == "github":
        from .annotations import lint_annotations

        for annotation in lint_annotations(findings, project.root):
            click.echo(annotation.command())
    for finding in findings:
        click.echo(finding)
    if findings:
        click.echo(f"{len(findings)} problems in schemas/", err=True)
        ctx.exit(EXIT_INVALID)
    count = len(list(project.schemas.glob("*.json")))
    click.echo(f"{count} schemas OK")


def register_module(group: click.Group, name: str) -> None:
    """Add the commands of ddet_data.cli.<name>: through its `register`, else its one command."""
    module = importlib.import_module(f"{__package__}.{name}")
    register = getattr(module, "register", None)
    if register is not None:
        register(group)
    else:
        group.add_command(getattr(module, name))


def main() -> None:
    try:
        cli(prog_name="ddet-data")
    except SystemExit as done:
        if _validation_done and (done.code is None or isinstance(done.code, int)):
            _exit_now(done.code or 0)
        raise


# Set once a validation has printed its report: it then has nothing left to write or
# clean up, and the process may end without Python's teardown.
_validation_done = False


def _exit_now(code: int) -> None:
    """End the process at once, its output flushed: Python's teardown of pyarrow's,
    numpy's and the thread pools' state costs ~0.04 s, a tenth of checking a 2M-row
    Parquet file (measured side by side)."""
    import os

    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        return  # (closed by the reader: Python's own exit reports it)
    os._exit(code)
