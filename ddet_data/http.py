"""The one module that speaks HTTP: sessions without cookies, a User-Agent, and web pages.

The data.gouv.fr client (`datagouv/client.py`) and `ingest interview URL` both go
through here, so every request has a (connect, read) timeout and names the tool.
Retries are urllib3's `Retry`, mounted on the session (requests' own way): the client
says which methods and statuses; this module only adds a pluggable `sleep`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from http.cookiejar import DefaultCookiePolicy
from importlib.metadata import PackageNotFoundError, metadata

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import InvalidHeader, NewConnectionError
from urllib3.util.retry import Retry

from .errors import FetchError

Response = requests.Response
# Everything requests raises for a request that got no usable answer.
TransportError = requests.RequestException

PAGE_TIMEOUT = (5.0, 30.0)
PAGE_MAX_BYTES = 5 * 1024 * 1024  # an interview page is ~100 KB; a 5 MB "page" is not one
HTML_TYPES = ("text/html", "application/xhtml+xml")


def user_agent() -> str:
    """`ddet-data/<version>`, with the repository's address only where pyproject.toml gives one."""
    try:
        meta = metadata("ddet-data")
    except PackageNotFoundError:
        return "ddet-data"
    urls = [value.split(",", 1)[1].strip() for value in meta.get_all("Project-URL") or []]
    return f"ddet-data/{meta['Version']}" + (f" (+{urls[0]})" if urls else "")


class NoCookies(DefaultCookiePolicy):
    """udata's session cookie would authenticate later calls with a wrong key: keep none."""

    def set_ok(self, cookie, request):
        return False

    def return_ok(self, cookie, request):
        return False


class Retries(Retry):
    """urllib3's `Retry`, waiting through a given `sleep` (tests pass one that records)."""

    pause: Callable[[float], None] = staticmethod(time.sleep)

    def new(self, **kw) -> Retries:
        retry = super().new(**kw)
        retry.pause = self.pause
        return retry

    def sleep(self, response=None) -> None:
        # As Retry.sleep: the server's Retry-After (capped at retry_after_max), else backoff.
        wait = None
        if response is not None and self.respect_retry_after_header:
            wait = self.get_retry_after(response)
        wait = wait or self.get_backoff_time()
        if wait > 0:
            self.pause(wait)


def retries(
    total: int,
    *,
    methods: Collection[str],
    statuses: Collection[int],
    backoff: float,
    max_backoff: float,
    max_retry_after: float,
    sleep: Callable[[float], None] = time.sleep,
) -> Retries:
    """Retry `methods` on `statuses`, read errors and timeouts; any method on a connection
    never made. The last answer is returned, not raised, once the retries are spent."""
    retry = Retries(
        total=total,
        allowed_methods=frozenset(methods),
        status_forcelist=frozenset(statuses),
        backoff_factor=backoff,
        backoff_max=max_backoff,
        backoff_jitter=backoff,
        respect_retry_after_header=True,
        retry_after_max=int(max_retry_after),
        raise_on_status=False,
    )
    retry.pause = sleep
    return retry


class Session(requests.Session):
    """A session whose `private_headers` (an API key) never follow a redirect elsewhere.

    requests strips only `Authorization` when a redirect leaves the host; udata's key
    travels in `X-API-KEY`, so the same rule is applied to it here.
    """

    private_headers: tuple[str, ...] = ()

    def rebuild_auth(self, prepared_request, response) -> None:
        if self.should_strip_auth(response.request.url, prepared_request.url):
            for name in self.private_headers:
                prepared_request.headers.pop(name, None)
        super().rebuild_auth(prepared_request, response)


def new_session(
    retry: Retry | None = None, *, private_headers: tuple[str, ...] = (), max_redirects: int = 5
) -> Session:
    """A session that keeps no cookie, names the tool, and retries as `retry` says."""
    session = Session()
    session.cookies.set_policy(NoCookies())
    session.headers["User-Agent"] = user_agent()
    session.private_headers = private_headers
    session.max_redirects = max_redirects
    if retry is not None:
        adapter = HTTPAdapter(max_retries=retry)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
    return session


def never_sent(exc: Exception) -> bool:
    """True when the request cannot have reached the server (the connection was not made)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)  # urllib3's MaxRetryError wraps the cause
    return isinstance(exc, requests.ConnectionError) and isinstance(reason, NewConnectionError)


def failure_kind(exc: Exception) -> str:
    """The name of what went wrong, looking through urllib3's "max retries" wrapper."""
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", None)
    return type(reason).__name__ if isinstance(reason, Exception) else type(exc).__name__


def retry_after(response: Response) -> float | None:
    """The answer's `Retry-After` in seconds (a number or an HTTP date), if it has a valid one."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return Retries().parse_retry_after(value)
    except InvalidHeader:
        return None


def is_too_many_redirects(exc: Exception) -> bool:
    return isinstance(exc, requests.TooManyRedirects)


def page_encoding(content_type: str, body: bytes) -> str:
    """The charset the server declares, else the one the page's <meta> names, else UTF-8."""
    declared = requests.utils.get_encoding_from_headers({"content-type": content_type})
    if declared and "charset" in content_type.lower():
        return declared
    named = requests.utils.get_encodings_from_content(body[:4096].decode("ascii", "replace"))
    return named[0] if named else "utf-8"


@dataclass(frozen=True)
class WebPage:
    url: str  # the address asked for
    final_url: str  # after redirects
    html: str


def fetch_page(
    url: str, *, timeout: tuple[float, float] = PAGE_TIMEOUT, max_bytes: int = PAGE_MAX_BYTES
) -> WebPage:
    """GET an HTML page, following redirects; a `FetchError` says in one line why not."""
    if not url.startswith(("http://", "https://")):
        raise FetchError(f"{url}: not a web address (http:// or https://)")
    try:
        with new_session() as session, session.get(url, timeout=timeout, stream=True) as answer:
            if answer.status_code != 200:
                raise FetchError(f"{url}: the server answered {answer.status_code} {answer.reason}")
            kind = answer.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if kind not in HTML_TYPES:
                raise FetchError(f"{url}: not an HTML page (Content-Type: {kind or 'none'})")
            declared = answer.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"{url}: the page is larger than {max_bytes} bytes")
            body = bytearray()
            for chunk in answer.iter_content(64 * 1024):
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(f"{url}: the page is larger than {max_bytes} bytes")
            encoding = page_encoding(answer.headers.get("Content-Type", ""), bytes(body))
            try:
                html = bytes(body).decode(encoding)
            except (LookupError, UnicodeDecodeError) as exc:
                raise FetchError(f"{url}: the page is not valid {encoding} ({exc})") from exc
            return WebPage(url, answer.url, html)
    except requests.Timeout as exc:
        raise FetchError(f"{url}: no answer in time ({exc.__class__.__name__})") from exc
    except requests.TooManyRedirects as exc:
        raise FetchError(f"{url}: too many redirects") from exc
    except requests.RequestException as exc:
        raise FetchError(f"{url}: cannot reach the server ({exc.__class__.__name__})") from exc
