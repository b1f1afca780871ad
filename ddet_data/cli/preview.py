"""The `preview` command: each dataset's data.gouv.fr page, drawn locally before publishing."""

from __future__ import annotations

from pathlib import Path

import click

from .context import folder_option, project_root

EPILOG_PREVIEW = """\b
Examples:
  ddet-data preview                       pages of every package in preview/
  ddet-data preview opsn --out /tmp/p     one package, elsewhere
  ddet-data preview --serve --port 8001   and serve them on 127.0.0.1
  ddet-data preview --from-sandbox        pages of what the running sandbox holds
"""


@click.command(epilog=EPILOG_PREVIEW)
@click.argument("packages", nargs=-1)
@folder_option("--out", "preview", help="Folder for the pages (relative to --root).")
@click.option("--serve", is_flag=True, help="Serve the pages on 127.0.0.1 until Ctrl-C.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port for --serve (0: any).")
@click.option(
    "--from-sandbox",
    is_flag=True,
    help="Draw what the running sandbox holds instead (with --serve: read at each request).",
)
@click.pass_context
def preview(ctx: click.Context, packages, out: Path, serve: bool, port: int, from_sandbox) -> None:
    """Write each dataset's page as data.gouv.fr will show it, from what publish would send.

    Title, short description, licence, frequency, coverage, tags, the description rendered
    as the platform renders Markdown, the files by group with size, checksum and schema,
    and the platform's quality criteria. The pages work offline and print.
    """
    import datetime as dt

    from ..datagouv.preview.site import write_pages
    from ..datagouv.preview.view import local_views
    from ..package.reader import package_folders

    root = project_root(ctx)
    out = out if out.is_absolute() else root / out
    if from_sandbox:
        views = sandbox_preview(root, packages, serve, port)
        if views is None:
            return
    else:
        folders = package_folders(root / "datapackages", packages)
        views = local_views(root, folders, now=dt.datetime.now(dt.UTC))
    for page, view in zip(write_pages(views, out), views, strict=True):
        failed = len(view.quality.failed)
        click.echo(
            f"{page}: {len(view.resources)} files, quality {view.quality.score:.0%}"
            + (f" ({failed} criteria not met)" if failed else "")
        )
    if serve:
        serve_until_interrupted(out, port)


def sandbox_preview(root: Path, packages, serve: bool, port: int):
    """The views of the sandbox's datasets; with `serve`, serve them live and return None."""
    from ..datagouv.preview.process import write_state
    from ..datagouv.preview.site import sandbox_views, serve_sandbox
    from ..datagouv.sandbox.process import status
    from ..errors import SandboxError

    state_dir = root / ".sandbox"
    sandbox = status(state_dir)
    if sandbox is None:
        raise SandboxError("the sandbox is not running: start it with 'ddet-data sandbox start'")
    if serve:
        server = listen(
            lambda: serve_sandbox(sandbox.url, sandbox.organization, sandbox.api_key, port)
        )
        write_state(state_dir, address_of(server))
        run(server)
        return None
    from ..datagouv.client import Client

    with Client(sandbox.url, sandbox.api_key) as client:
        views = sandbox_views(client, sandbox.organization)
    return [v for v in views if not packages or v.name in packages]


def listen(make_server):
    try:
        return make_server()
    except OSError as exc:
        raise click.ClickException(f"cannot listen on 127.0.0.1: {exc}") from exc


def address_of(server) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/"


def run(server) -> None:
    click.echo(f"preview at {address_of(server)} (Ctrl-C stops it)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def serve_until_interrupted(folder: Path, port: int) -> None:
    from ..datagouv.preview.site import serve_folder

    run(listen(lambda: serve_folder(folder, port)))
