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


class FetchError(DdetError):
    """A web page could not be fetched (status, type, size, timeout): one line says which."""


class DownloadError(DdetError):
    """A download failed or a file did not match its published checksum."""


# -- the data.gouv.fr API: one class a status (the client maps them in one place) -------

class AuthenticationFailed(ApiError):
    """401: no key, a wrong key, or a revoked one."""


class PermissionDenied(ApiError):
    """403: the key is valid but its user may not do this."""


class NotFound(ApiError):
    """404: no such object."""


class InvalidRequest(ApiError):
    """400: the server refused the values; `errors` holds its field messages."""

    def __init__(self, message, method="", url="", status=None, errors=None):
        self.errors = errors or {}
        super().__init__(message, method, url, status)


class Gone(ApiError):
    """410: the dataset was deleted on the platform."""


class Locked(ApiError):
    """423: the platform refuses creations for now."""


class RateLimited(ApiError):
    """429 after every retry."""


class ServerError(ApiError):
    """5xx after every retry (or once, for a POST)."""


class UncertainWrite(ApiError):
    """A POST failed in a way that leaves unknown whether the server applied it.

    Timeouts, resets and 5xx: the caller must look at the server before posting again.
    `retry_after` is the delay the server asked for, if any.
    """

    def __init__(self, message, method="", url="", status=None, retry_after=None):
        self.retry_after = retry_after
        super().__init__(message, method, url, status)


class NetworkError(ApiError):
    """The server could not be reached (after retries for safe methods)."""


# -- failures of other stages ---------------------------------------------------------

class ChangelogError(DdetError):
    """A package folder cannot be compared (missing or unreadable descriptor, schema or CSV)."""


class DocsError(DdetError):
    """A package folder cannot be documented (missing or unreadable file)."""


class DraftExists(DdetError):
    """A file the draft would write exists already (rerun with --force to replace it)."""


class PackageNotFound(DdetError, LookupError):
    """No such package, table or file where the data was looked for."""


# -- signals that never leave their stage (control flow, not user errors) -------------

class DateTextError(ValueError):
    """Text that is not a date of any accepted form; the message says what is accepted."""


class Unsupported(Exception):
    """The fast engine cannot promise frictionless's findings here; use frictionless.

    Control flow, not a user error: the caller validates the resource with frictionless
    and notes the reason in the report.
    """


class RaggedRow(Exception):
    """pyarrow met a record whose cell count differs: restart with Python's csv."""


class NeedsExactReader(Exception):
    """Rows already handed out came from pyarrow, but the file needs Python's csv.

    An empty line and a line of empty cells look alike once parsed by pyarrow, and
    frictionless reports them with different cells: the caller starts again.
    """
