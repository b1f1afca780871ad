"""One exception root for everything the toolkit raises on purpose.

The CLI turns any `DdetError` into a one-line message and an exit code; anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path

EXIT_FAILURE = 1
EXIT_INVALID = 3


class DdetError(Exception):
    """Root of the toolkit's errors. `exit_code` tells the CLI how to exit."""

    exit_code = EXIT_FAILURE


class SourceError(DdetError):
    """A source file is malformed: carries the file and line so a person can fix it."""

    exit_code = EXIT_INVALID

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.path = Path(path) if path is not None else None
        self.line = line
        self.reason = message
        super().__init__(self._located(message))

    def _located(self, message: str) -> str:
        if self.path is None:
            return message
        where = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {message}"


class SchemaError(DdetError):
    """A Table Schema in schemas/ breaks the project's rules (found by `lint`)."""

    exit_code = EXIT_INVALID


class BuildError(DdetError):
    """The build could not produce consistent packages (nothing was written)."""

    exit_code = EXIT_INVALID


class ValidationFailed(DdetError):
    """Data is invalid; raised only where a caller asked for an exception, not a report."""

    exit_code = EXIT_INVALID


class ConfigError(DdetError):
    """publish.toml or the environment is incomplete or wrong."""


class SandboxError(DdetError):
    """The local udata server could not be installed, started or reached."""


class PublishError(DdetError):
    """Publishing could not reach the state on disk."""


class ApiError(PublishError):
    """The data.gouv.fr API answered with an error: carries method, URL and status."""

    def __init__(self, message: str, method: str = "", url: str = "", status: int | None = None):
        self.method = method
        self.url = url
        self.status = status
        super().__init__(message)


class DownloadError(DdetError):
    """A download failed or a file did not match its published checksum."""
