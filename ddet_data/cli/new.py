"""`ddet-data new`: start a new source file from a commented template (thin, over the library)."""

from __future__ import annotations

import datetime as dt

import click

from .context import project_root

EPILOG = """\b
Examples:
  ddet-data new issue                       the next number, a week after the last issue
  ddet-data new issue --number 42 --date 2026-12-07
"""


@click.group(epilog="\b\nExample:\n  ddet-data new issue")
def new() -> None:
    """Start a new source file from a commented template."""


@new.command("issue", epilog=EPILOG)
@click.option("--number", type=click.IntRange(min=1), help="Issue number (default: the next).")
@click.option(
    "--date",
    "published_on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Publication date, YYYY-MM-DD (default: a week after the last issue).",
)
@click.pass_context
def issue(ctx, number: int | None, published_on: dt.datetime | None) -> None:
    """Write sources/issues/<number>.yaml with a commented template; never replaces a file."""
    from ..sources.issues import new_issue

    path = new_issue(
        project_root(ctx) / "sources" / "issues",
        number,
        published_on.date() if published_on else None,
    )
    click.echo(f"wrote {path}: fill in the title and items, then run 'ddet-data build'")
