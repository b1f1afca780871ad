"""What every command reads from the main group's context."""

from __future__ import annotations

from pathlib import Path

import click


def project_root(ctx: click.Context) -> Path:
    """The project folder given by `ddet-data --root` (the current folder by default)."""
    return Path((ctx.obj or {}).get("root", "."))
