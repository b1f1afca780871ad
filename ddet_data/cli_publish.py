"""Click commands for publishing: `plan`, `publish` and the `sandbox` group.

The lead registers them on the main group (`cli.add_command(...)`); they stay thin:
parse options, call one library function, render its result.
"""

from __future__ import annotations

from pathlib import Path

import click

from . import sandbox as sandbox_lib


def project_root(ctx: click.Context) -> Path:
    return Path((ctx.obj or {}).get("root", "."))


def sandbox_dirs(ctx: click.Context) -> tuple[Path, Path]:
    root = project_root(ctx)
    return root / ".sandbox", root / ".venv-udata"


@click.group()
def sandbox() -> None:
    """The local data.gouv.fr: the real udata server on 127.0.0.1.

    \b
    Example:
      eval "$(ddet-data sandbox start)"   start it and export its URL, organization, key
      ddet-data publish --target sandbox --yes
      ddet-data sandbox stop
    """


@sandbox.command("start")
@click.pass_context
def sandbox_start(ctx: click.Context) -> None:
    """Start the sandbox (installing udata into .venv-udata/ on first use).

    Prints shell lines to export; the API key is read from a file, never shown.
    """
    state_dir, env_dir = sandbox_dirs(ctx)
    server = sandbox_lib.start(state_dir, env_dir, log=lambda line: click.echo(line, err=True))
    click.echo(f"# udata sandbox running at {server.root_url} (pid {server.pid})")
    click.echo(server.exports())


@sandbox.command("stop")
@click.pass_context
def sandbox_stop(ctx: click.Context) -> None:
    """Stop the sandbox (its data is lost: it lives in the server's memory)."""
    state_dir, _ = sandbox_dirs(ctx)
    click.echo("sandbox stopped" if sandbox_lib.stop(state_dir) else "no sandbox was running")


@sandbox.command("status")
@click.pass_context
def sandbox_status(ctx: click.Context) -> None:
    """Say whether the sandbox runs; exit 1 if it does not."""
    state_dir, _ = sandbox_dirs(ctx)
    server = sandbox_lib.status(state_dir)
    if server is None:
        click.echo("no sandbox running")
        ctx.exit(1)
    click.echo(f"# udata sandbox running at {server.root_url} (pid {server.pid})")
    click.echo(server.exports())
