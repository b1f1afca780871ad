"""What the commands share: the main group's context, and how an option names a folder."""

from __future__ import annotations

from pathlib import Path

import click


def project_root(ctx: click.Context) -> Path:
    """The project folder given by `ddet-data --root` (the current folder by default)."""
    return Path((ctx.obj or {}).get("root", "."))


FOLDER = click.Path(file_okay=False, path_type=Path)


def folder_option(name: str, default: str, help: str):
    """An option naming a folder, with its default shown in --help."""
    return click.option(name, type=FOLDER, default=Path(default), show_default=True, help=help)
