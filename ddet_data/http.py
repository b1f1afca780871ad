"""The one module that speaks HTTP: sessions without cookies, a User-Agent, and web pages.

The data.gouv.fr client (`datagouv/client.py`) and `ingest interview URL` both go
through here, so every request has a (connect, read) timeout and names the tool.
"""

from __future__ import annotations

from dataclasses import dataclass
from http.cookiejar import DefaultCookiePolicy
from importlib.metadata import PackageNotFoundError, metadata

import requests

from .errors import FetchError

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


def new_session() -> requests.Session:
    session = requests.Session()
    session.cookies.set_policy(NoCookies())
    session.headers["User-Agent"] = user_agent()
    return session


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
