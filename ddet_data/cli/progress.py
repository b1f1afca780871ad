"""Progress of long work, on stderr: bars on a terminal, nothing in CI logs or pipes.

One helper for every command: `progress(name, done, total)` moves the bar of file
`name` (a new name starts a new bar); `progress.note(line)` prints an event line
between bars. Off a terminal (or with `--json`) both are silent, so logs hold only
the result.
"""

from __future__ import annotations

import sys

import click


class Progress:
    def __init__(self, enabled: bool | None = None):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.bar = None
        self.name: str | None = None

    def __call__(self, name: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        if not total:  # a size unknown: no bar can say how far it is
            if self.bar is not None or name != self.name:
                self.finish()
            click.echo(f"\r  {name}  {done} bytes", err=True, nl=False)
            self.name = name
            return
        if name != self.name or self.bar is None:
            self.finish()
            self.bar = click.progressbar(
                length=total, label=f"  {name}", show_pos=True, file=sys.stderr
            )
            self.name = name
        self.bar.update(done - self.bar.pos)
        if done >= total:
            self.finish()

    def note(self, line: str) -> None:
        if self.enabled:
            self.finish()
            click.echo(line, err=True)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()
        elif self.name is not None:
            click.echo("", err=True)  # ends the line of a count without a bar
        self.bar = None
        self.name = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.finish()
