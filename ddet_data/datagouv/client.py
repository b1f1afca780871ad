"""HTTP client for the data.gouv.fr API (udata, v1): the only module importing requests.

- One session per client, with a cookie policy that refuses every cookie: udata answers
  a keyed request with a `session` cookie that alone would authenticate later requests.
- The key travels only in the `X-API-KEY` header, over HTTPS (plain http to loopback
  only), redirects are followed by hand and only to the same origin, and the key is
  replaced by `***` in every message this module builds.
- Only safe methods (GET, HEAD, PUT, DELETE) are retried, on 429/502/503/504, connection
  errors and read timeouts, with exponential backoff honouring `Retry-After`. A POST is
  never repeated here: its failures raise `UncertainWrite` so that the caller looks at
  the server before trying again.
- `error_for` maps a status and udata's `{"message"}` / `{"errors"}` body to one typed
  `ApiError`.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import os
import random
import time
import uuid
from collections.abc import Callable, Iterator
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import requests

from ..errors import (
    ApiError,
    AuthenticationFailed,
    ConfigError,
    Gone,
    InvalidRequest,
    Locked,
    NetworkError,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    UncertainWrite,
)
from ..http import user_agent

USER_AGENT = user_agent()  # the repository's address only where pyproject.toml gives one
SAFE_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
REDACTED = "***"
MAX_REDIRECTS = 3


ADVICE = {
    401: "the API key was refused: check DATAGOUV_API_KEY (a key of this platform: "
    "prod and demo keys differ)",
    403: "the key's user lacks the rights for this: make it an admin or editor of the organization",
    404: "not found",
    410: "the dataset was deleted on the platform: restore it there, or remove its id "
    "from the id cache and publish again to create a new one",
    413: "the file is too large for a single upload",
    415: "the server refused the file's content type",
    423: "the platform refuses creations right now (locked): try again later",
    429: "too many requests: try again later",
}
CLASSES = {
    400: InvalidRequest,
    401: AuthenticationFailed,
    403: PermissionDenied,
    404: NotFound,
    410: Gone,
    423: Locked,
    429: RateLimited,
}


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_api_url(api_url: str) -> str:
    """The base URL without its trailing slash; plain http is allowed to loopback only."""
    parts = urlsplit(api_url)
    if parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname)):
        if not parts.netloc:
            raise ConfigError(f"API URL {api_url!r} has no host")
        if parts.path.strip("/") == "":
            # A platform's root URL: its API v1 is under /api/1.
            return api_url.rstrip("/") + "/api/1"
        return api_url.rstrip("/")
    if parts.scheme == "http":
        raise ConfigError(
            f"API URL {api_url}: the key would travel in clear; use https "
            "(plain http is accepted only for 127.0.0.1, ::1 and localhost)"
        )
    raise ConfigError(f"API URL {api_url!r} must start with https://")


class NoCookies(DefaultCookiePolicy):
    def set_ok(self, cookie, request):
        return False

    def return_ok(self, cookie, request):
        return False


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def error_body(response: requests.Response) -> tuple[str, dict]:
    """udata's `{"message": ...}` and `{"errors": {...}}` (either may be missing)."""
    try:
        body = response.json()
    except ValueError:
        return "", {}
    if not isinstance(body, dict):
        return "", {}
    message = body.get("message") if isinstance(body.get("message"), str) else ""
    errors = body.get("errors") if isinstance(body.get("errors"), dict) else {}
    return message, errors


def flatten_errors(errors: dict, prefix: str = "") -> list[str]:
    lines = []
    for field, value in sorted(errors.items()):
        name = f"{prefix}{field}"
        if isinstance(value, dict):
            lines += flatten_errors(value, f"{name}.")
        elif isinstance(value, list):
            lines.append(f"{name}: {'; '.join(str(item) for item in value)}")
        else:
            lines.append(f"{name}: {value}")
    return lines


def error_for(method: str, url: str, response: requests.Response, redact=lambda s: s) -> ApiError:
    """The one place that turns an error answer into a typed `ApiError`."""
    status = response.status_code
    message, errors = error_body(response)
    where = f"{method} {url}"
    if status == 400:
        details = "; ".join(flatten_errors(errors)) or message or "bad request"
        text = f"{where}: the server refused the values (400): {details}"
        return InvalidRequest(redact(text), method, url, status, errors=errors)
    advice = ADVICE.get(status)
    server_says = f" (server: {message})" if message and message != advice else ""
    if advice:
        text = f"{where}: {advice} ({status}){server_says}"
    elif status >= 500:
        text = f"{where}: server error {status}{server_says}; try again later"
    else:
        text = f"{where}: unexpected answer {status}{server_says}"
    cls = CLASSES.get(status, ServerError if status >= 500 else ApiError)
    return cls(redact(text), method, url, status)


class Client:
    """A data.gouv.fr API client bound to one base URL and (optionally) one key."""

    def __init__(
        self,
        api_url: str,
        api_key: str | None = None,
        *,
        timeout: tuple[float, float] = (5.0, 60.0),
        upload_timeout: tuple[float, float] = (5.0, 300.0),
        retries: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        max_retry_after: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.api_url = check_api_url(api_url)
        self._key = api_key or None
        self.timeout = timeout
        self.upload_timeout = upload_timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.sleep = sleep
        self.session = requests.Session()
        self.session.cookies.set_policy(NoCookies())
        # An HTTP proxy from the environment would see the key of a plain-http loopback
        # request; for https, proxies (CONNECT tunnels) and CA bundles are honoured.
        self.session.trust_env = not is_loopback(urlsplit(self.api_url).hostname)
        self.session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or True
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        self.requests_sent = 0
        self.writes_sent = 0

    def __repr__(self) -> str:
        return f"Client({self.api_url!r}, api_key={'***' if self._key else None})"

    @property
    def has_key(self) -> bool:
        return self._key is not None

    def redact(self, text: str) -> str:
        return text.replace(self._key, REDACTED) if self._key else text

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.api_url}/{path.lstrip('/')}"

    def same_origin(self, url: str) -> bool:
        a, b = urlsplit(self.api_url), urlsplit(url)
        return (a.scheme, a.netloc) == (b.scheme, b.netloc)

    # -- sending -----------------------------------------------------------------

    def _send_once(self, method, url, *, json_body=None, data=None, headers=None, timeout=None):
        if not self.same_origin(url):
            raise ApiError(
                f"{method} {url}: refusing to send the key to another origin", method, url
            )
        all_headers = dict(headers or {})
        if self._key:
            all_headers["X-API-KEY"] = self._key
        self.requests_sent += 1
        if method not in ("GET", "HEAD", "OPTIONS"):
            self.writes_sent += 1
        for _ in range(MAX_REDIRECTS + 1):
            response = self.session.request(
                method,
                url,
                json=json_body,
                data=data,
                headers=all_headers,
                timeout=timeout or self.timeout,
                allow_redirects=False,
            )
            if response.is_redirect and method in ("GET", "HEAD"):
                target = urljoin(url, response.headers["Location"])
                if not self.same_origin(target):
                    raise ApiError(
                        f"{method} {url}: redirected to another origin ({target}); "
                        "not following with the key",
                        method,
                        url,
                        response.status_code,
                    )
                url = target
                continue
            return response
        raise ApiError(f"{method} {url}: too many redirects", method, url)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        base = min(self.max_backoff, self.backoff * (2**attempt))
        return base * (0.5 + random.random() / 2)

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        data: Any = None,
        headers: dict | None = None,
        timeout: tuple[float, float] | None = None,
        ok: tuple[int, ...] = (200, 201, 204),
    ) -> requests.Response:
        """Send one request, retrying it only if the method is safe to repeat."""
        method = method.upper()
        url = self.url(path)
        safe = method in SAFE_METHODS
        attempt = 0
        while True:
            retry_after = None
            try:
                response = self._send_once(
                    method, url, json_body=json_body, data=data, headers=headers, timeout=timeout
                )
            except requests.exceptions.ConnectTimeout as exc:
                # The connection was never made: nothing reached the server.
                failure = NetworkError(
                    f"{method} {url}: cannot connect ({exc.__class__.__name__})", method, url
                )
                never_sent = True
            except requests.exceptions.ConnectionError as exc:
                never_sent = is_refused(exc)
                failure = self._network_failure(method, url, exc, never_sent)
            except (requests.exceptions.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                never_sent = False
                failure = self._network_failure(method, url, exc, never_sent)
            else:
                if response.status_code in ok or response.status_code < 300 and not ok:
                    return response
                error = error_for(method, url, response, self.redact)
                if response.status_code not in RETRY_STATUSES and not (
                    not safe and response.status_code >= 500
                ):
                    raise error
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                never_sent = response.status_code == 429
                if not safe:
                    raise UncertainWrite(
                        f"{error} (the {method} may or may not have been applied)",
                        method,
                        url,
                        response.status_code,
                        retry_after=retry_after,
                    )
                failure = error
            if not safe and not never_sent:
                raise failure
            if attempt >= self.retries:
                raise failure
            self.sleep(self.delay(attempt, retry_after))
            attempt += 1

    def _network_failure(self, method, url, exc, never_sent) -> ApiError:
        kind = exc.__class__.__name__
        text = f"{method} {url}: network failure ({kind})"
        if method not in SAFE_METHODS and not never_sent:
            return UncertainWrite(
                f"{text}; the {method} may or may not have been applied", method, url
            )
        return NetworkError(f"{text}; check the connection and try again", method, url)

    # -- verbs ---------------------------------------------------------------------

    def decode(self, method: str, response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise ApiError(
                f"{method} {response.url}: the answer is not JSON "
                f"({response.headers.get('Content-Type', 'no content type')}): is "
                f"{self.api_url} a udata API URL (ending with /api/1)?",
                method,
                response.url,
                response.status_code,
            ) from exc

    def get(self, path: str, **params) -> Any:
        if params:
            path = f"{path}?{urlencode(params)}"
        return self.decode("GET", self.request("GET", path))

    def put(self, path: str, body: dict) -> Any:
        return self.decode("PUT", self.request("PUT", path, json_body=body))

    def post(self, path: str, body: dict) -> Any:
        return self.decode("POST", self.request("POST", path, json_body=body))

    def delete(self, path: str) -> None:
        self.request("DELETE", path, ok=(200, 204, 404))

    def pages(self, path: str, **params) -> Iterator[dict]:
        """Every item of a paged list, following `next_page` until it is null."""
        page = self.get(path, **params)
        while True:
            yield from page.get("data", [])
            next_page = page.get("next_page")
            if not next_page:
                return
            page = self.decode("GET", self.request("GET", next_page))

    def upload(
        self,
        path: str,
        filename: str,
        content: bytes,
        mimetype: str = "application/octet-stream",
        progress: Callable[[int, int], None] | None = None,
    ) -> dict:
        """POST a file as multipart field `file` (never retried here: see UncertainWrite)."""
        body, content_type = multipart(filename, content, mimetype)
        stream = ProgressBody(body, progress)
        response = self.request(
            "POST",
            path,
            data=stream,
            headers={"Content-Type": content_type, "Content-Length": str(len(body))},
            timeout=self.upload_timeout,
            ok=(200, 201),
        )
        return self.decode("POST", response)

    def close(self) -> None:
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def is_refused(exc: Exception) -> bool:
    """A refused connection never reached the server, so even a POST may be sent again."""
    text = str(exc)
    return "Connection refused" in text or "NewConnectionError" in text


def multipart(filename: str, content: bytes, mimetype: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    safe_name = filename.replace('"', "").replace("\r", "").replace("\n", "")
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{safe_name}"\r\n'
        f"Content-Type: {mimetype}\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return head + content + tail, f"multipart/form-data; boundary={boundary}"


class ProgressBody:
    """A request body of known length that reports how much of it was read."""

    def __init__(self, data: bytes, progress: Callable[[int, int], None] | None):
        self.data = data
        self.offset = 0
        self.progress = progress

    def __len__(self) -> int:
        return len(self.data) - self.offset

    def __iter__(self):
        while chunk := self.read(65536):
            yield chunk

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = len(self.data)
        chunk = self.data[self.offset : self.offset + size]
        self.offset += len(chunk)
        if self.progress and chunk:
            self.progress(self.offset, len(self.data))
        return chunk


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
