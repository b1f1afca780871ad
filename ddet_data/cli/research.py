"""Click commands for the data's users: `download` and `docs`.

The lead registers them on the main group (`register(cli)`); they stay thin: parse
options, call one library function, render its result.
"""

from __future__ import annotations

import json

import click

from .context import FOLDER, project_root

EPILOG_DOWNLOAD = """\b
Examples:
  ddet-data download ddet-newsletter                  into ./ddet-newsletter
  ddet-data download opsn --dest data/opsn --format parquet
  ddet-data download 6650a1b2c3d4e5f6a7b8c9d0         a dataset id
  ddet-data download opsn --target demo               demo.data.gouv.fr
  ddet-data download opsn --api-url http://127.0.0.1:7000/api/1 --organization ID
\b
Files are checked (sha1 against the server, sha256 against the published
datapackage.json); an interrupted download resumes when run again, and files already
present and identical are not fetched again. No API key is needed.
"""
EPILOG_DOCS = """\b
Examples:
  ddet-data docs                     write datapackages/*/README.md
  ddet-data docs opsn                one package
  ddet-data docs --check             exit 1 if a README.md is stale
  ddet-data docs opsn --description  print the data.gouv.fr description
"""



@click.command(epilog=EPILOG_DOWNLOAD)
@click.argument("package")
@click.option("--target", help="A target of publish.toml (default: its default_target).")
@click.option("--api-url", envvar="DATAGOUV_API_URL", help="udata API base URL.")
@click.option(
    "--organization",
    envvar="DATAGOUV_ORGANIZATION",
    help="Organization whose datasets are searched for the package's marker.",
)
@click.option(
    "--dest",
    type=FOLDER,
    help="Folder to write the package into (default: ./PACKAGE).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet", "both"]),
    default="both",
    show_default=True,
    help="Which data files to download.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def download(ctx, package, target, api_url, organization, dest, fmt, as_json) -> None:
    """Download PACKAGE (a package name or a dataset id) from data.gouv.fr, checked."""
    from ..datagouv.download import FORMATS, resolve_source
    from ..datagouv.download import download as download_package
    from .progress import Progress

    source = resolve_source(project_root(ctx), target, api_url=api_url, organization=organization)
    formats = FORMATS if fmt == "both" else (fmt,)
    with Progress(enabled=False if as_json else None) as progress:
        result = download_package(package, dest, source=source, formats=formats, progress=progress)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{result.package} {result.version} (dataset {result.dataset_id}) in {result.folder}: "
        f"{len(result.downloaded)} downloaded, {len(result.resumed)} resumed, "
        f"{len(result.kept)} already there"
    )


@click.command(epilog=EPILOG_DOCS)
@click.argument("packages", nargs=-1)
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a README.md is stale.")
@click.option("--description", is_flag=True, help="Print the data.gouv.fr description instead.")
@click.pass_context
def docs(ctx, packages, check, description) -> None:
    """Write the data dictionary, datapackages/PACKAGE/README.md, from the built package."""
    from ..package.dictionary import render_description, render_readme
    from ..package.reader import package_folders

    root = project_root(ctx) / "datapackages"
    stale = []
    for folder in package_folders(root, packages):
        if description:
            click.echo(render_description(folder), nl=False)
            continue
        text = render_readme(folder)
        readme = folder / "README.md"
        current = readme.read_text(encoding="utf-8") if readme.is_file() else None
        if current == text:
            click.echo(f"{readme}: up to date")
        elif check:
            stale.append(str(readme))
        else:
            readme.write_text(text, encoding="utf-8")
            click.echo(f"wrote {readme}")
    if stale:
        click.echo("stale: " + ", ".join(stale) + " (run 'ddet-data docs')", err=True)
        ctx.exit(1)


def register(group: click.Group) -> None:
    """Add these commands to the main `ddet-data` group."""
    for command in (download, docs):
        group.add_command(command)
