"""The `sandbox` command group: the local data.gouv.fr (the real udata on 127.0.0.1)."""

from __future__ import annotations

from pathlib import Path

import click

from ..datagouv.sandbox.process import ensure_env, start, status, stop
from .context import project_root


def sandbox_dirs(ctx: click.Context) -> tuple[Path, Path]:
    root = project_root(ctx)
    return root / ".sandbox", root / ".venv-udata"


EPILOG_SANDBOX_START = """\b
Example:
  eval "$(ddet-data sandbox start)"    start it and export its URL, organization, key
"""


@click.group()
def sandbox() -> None:
    """The local data.gouv.fr: the real udata server on 127.0.0.1.

    \b
    Example:
      eval "$(ddet-data sandbox start)"   start it and export its URL, organization, key
      ddet-data publish --target sandbox --yes
      ddet-data sandbox stop
    """


@sandbox.command(
    "install",
    epilog="\b\nExample:\n  ddet-data sandbox install      (make sandbox-env does the same)",
)
@click.pass_context
def sandbox_install(ctx: click.Context) -> None:
    """Install udata into .venv-udata/ unless it is there (about a minute, 475 MB)."""
    _, env_dir = sandbox_dirs(ctx)
    python = ensure_env(env_dir, log=lambda line: click.echo(line, err=True))
    click.echo(f"udata sandbox environment ready: {python}")


@sandbox.command("start", epilog=EPILOG_SANDBOX_START)
@click.pass_context
def sandbox_start(ctx: click.Context) -> None:
    """Start the sandbox (installing udata into .venv-udata/ on first use), and the preview
    of what it holds (each dataset's page, drawn as data.gouv.fr draws it).

    Prints shell lines to export; the API key is read from a file, never shown.
    """
    from ..datagouv.preview.process import start_preview

    state_dir, env_dir = sandbox_dirs(ctx)
    server = start(state_dir, env_dir, log=lambda line: click.echo(line, err=True))
    preview = start_preview(project_root(ctx), state_dir)
    click.echo(f"# udata sandbox running at {server.root_url} (pid {server.pid})")
    click.echo(f"# preview of what it holds: {preview}")
    click.echo(server.exports())


@sandbox.command("stop", epilog="\b\nExample:\n  ddet-data sandbox stop")
@click.pass_context
def sandbox_stop(ctx: click.Context) -> None:
    """Stop the sandbox and its preview (its data is lost: it lives in the server's memory)."""
    from ..datagouv.preview.process import stop_preview

    state_dir, _ = sandbox_dirs(ctx)
    stop_preview(state_dir)
    click.echo("sandbox stopped" if stop(state_dir) else "no sandbox was running")


@sandbox.command(
    "status", epilog="\b\nExample:\n  ddet-data sandbox status || ddet-data sandbox start"
)
@click.pass_context
def sandbox_status(ctx: click.Context) -> None:
    """Say whether the sandbox runs; exit 1 if it does not."""
    state_dir, _ = sandbox_dirs(ctx)
    server = status(state_dir)
    if server is None:
        click.echo("no sandbox running")
        ctx.exit(1)
    from ..datagouv.preview.process import preview_url

    click.echo(f"# udata sandbox running at {server.root_url} (pid {server.pid})")
    preview = preview_url(state_dir)
    if preview:
        click.echo(f"# preview of what it holds: {preview}")
    click.echo(server.exports())
