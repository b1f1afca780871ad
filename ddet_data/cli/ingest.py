"""`ddet-data ingest`: bring a new raw document into sources/ (thin, over the library)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import click

from .context import project_root

EPILOG = """\b
Examples:
  ddet-data ingest interview https://example.org/interview-de-x    fetch the page itself
  ddet-data ingest interview saved-page.html --url https://example.org/interview-de-x
  ddet-data ingest interview page.txt --id jeanne-martin-adico
  ddet-data ingest interview page.html --json    print what the parser finds; write nothing
  ddet-data ingest interview page.html --text    print the text the offsets refer to
"""


@click.group(
    epilog="\b\nExample:\n  ddet-data ingest interview saved-page.html --url https://example.org/p"
)
def ingest() -> None:
    """Bring a new raw document into sources/."""


@ingest.command("interview", epilog=EPILOG)
@click.argument("page")
@click.option("--id", "interview_id", help="Folder name under sources/interviews/ (a slug).")
@click.option("--url", help="The page's web address, written into the draft.")
@click.option("--force", is_flag=True, help="Replace an existing page or interview.yaml.")
@click.option("--json", "as_json", is_flag=True, help="Print the parsed interview; write nothing.")
@click.option("--text", "as_text", is_flag=True, help="Print the page's text; write nothing.")
@click.pass_context
def interview(ctx, page: str, interview_id, url, force, as_json, as_text) -> None:
    """Parse an interview PAGE (its web address, text copied from a browser, or a saved
    .html page) and write sources/interviews/<id>/ with the page and a draft interview.yaml.

    The draft lists the people, job titles and organizations found and the number of
    questions, for a person to check before `ddet-data build`. The id defaults to
    '<interviewee>-<organization>'. Existing files are kept unless --force.
    """
    from ..sources.pages.drafts import draft_interview, known_organizations, plan_draft
    from ..sources.pages.paragraphs import read_page

    root = project_root(ctx)
    organizations = known_organizations(root / "sources" / "opsn" / "organizations.yaml")
    with tempfile.TemporaryDirectory(prefix="ddet-page-") as scratch:
        if page.startswith(("http://", "https://")):
            from ..http import fetch_page

            fetched = fetch_page(page)
            path = Path(scratch) / "page.html"
            path.write_text(fetched.html, encoding="utf-8")
            url = url or fetched.url
        else:
            path = Path(page)
            if not path.is_file():
                raise click.BadParameter(f"{page}: no such file", param_hint="PAGE")
        if as_text:
            click.echo(read_page(path).text)
            return
        if as_json:
            draft = plan_draft(path, root / "sources", interview_id, organizations)
            click.echo(json.dumps(draft.to_json(), ensure_ascii=False, indent=2))
            return
        draft = draft_interview(
            path, root / "sources" / "interviews", interview_id, url, force, organizations
        )
    for warning in draft.warnings:
        click.echo(f"warning: {warning}", err=True)
    for written in draft.written:
        click.echo(f"wrote {written}")
    click.echo(
        f"{len(draft.parsed.pairs)} questions; check {draft.folder / 'interview.yaml'}"
        + (" and fill in the TODO values" if draft.new_organizations else "")
        + ", then run 'ddet-data build'"
    )
