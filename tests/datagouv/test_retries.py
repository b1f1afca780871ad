"""The client's retry rules, against a tiny real HTTP server on loopback (no udata, no waiting).

The server answers a scripted sequence; the client's `sleep` records the waits instead
of waiting, so every rule is checked in milliseconds: which statuses and methods are
retried, Retry-After honoured and capped, retries bounded, a POST never sent twice.
"""

from __future__ import annotations

import json
import socket
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ddet_data.datagouv.client import Client
from ddet_data.errors import (
    InvalidRequest,
    NetworkError,
    NotFound,
    RateLimited,
    ServerError,
    UncertainWrite,
)

OK = (200, {}, {"ok": True})
RESET = "reset"  # read the request, then close the connection without answering


class Scripted:
    """An HTTP server on 127.0.0.1 answering from a script, then 200 {"ok": true}."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.seen: list[tuple[str, str, dict]] = []
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                return None

            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                scripted.seen.append((self.command, self.path, dict(self.headers)))
                step = scripted.answers.pop(0) if scripted.answers else OK
                if step == RESET:
                    self.close_connection = True
                    return
                status, headers, body = step
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/1"

    def methods(self) -> list[str]:
        return [method for method, _, _ in self.seen]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def serve():
    servers = []

    def start(*answers) -> Scripted:
        servers.append(Scripted(*answers))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def client_for(server: Scripted, slept: list, **options) -> Client:
    options = {"retries": 3, "backoff": 0.5, "max_backoff": 30.0, **options}
    return Client(server.url, "udata_test-key", sleep=slept.append, **options)


@pytest.mark.parametrize("status", [429, 502, 503, 504])
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_safe_methods_are_retried_on_busy_statuses(serve, status, method):
    server = serve((status, {}, {"message": "busy"}), (status, {}, {"message": "busy"}))
    slept = []
    response = client_for(server, slept).request(method, "datasets/x/", json_body={})
    assert response.status_code == 200
    assert server.methods() == [method] * 3
    # urllib3's backoff: the first retry at once, then backoff * 2 (plus jitter <= backoff).
    assert len(slept) == 1 and 1.0 <= slept[0] <= 1.5


def test_backoff_doubles_and_is_capped(serve):
    server = serve(*[(503, {}, {})] * 5)
    slept = []
    client_for(server, slept, retries=5, backoff=1.0, max_backoff=3.0).get("datasets/")
    assert len(server.seen) == 6
    assert len(slept) == 4 and 2 <= slept[0] <= 3  # backoff * 2, plus jitter <= backoff
    assert slept[1:] == [3, 3, 3]  # 4, 8, 16: the cap


def test_retries_are_bounded_and_the_last_answer_is_raised(serve):
    server = serve(*[(503, {}, {"message": "down"})] * 10)
    slept = []
    with pytest.raises(ServerError, match=r"server error 503 \(server: down\)"):
        client_for(server, slept, retries=3).get("datasets/")
    assert len(server.seen) == 4


@pytest.mark.parametrize(
    "status, error", [(400, InvalidRequest), (404, NotFound), (500, ServerError)]
)
def test_other_statuses_are_not_retried(serve, status, error):
    server = serve((status, {}, {"message": "no"}))
    slept = []
    with pytest.raises(error):
        client_for(server, slept).get("datasets/")
    assert len(server.seen) == 1 and slept == []


def test_retry_after_is_honoured(serve):
    server = serve((429, {"Retry-After": "7"}, {}), (503, {"Retry-After": "2"}, {}))
    slept = []
    assert client_for(server, slept).get("datasets/") == {"ok": True}
    assert slept == [7, 2]


def test_retry_after_as_a_date_is_honoured(serve):
    when = formatdate(timeval=__import__("time").time() + 60, usegmt=True)
    server = serve((503, {"Retry-After": when}, {}))
    slept = []
    client_for(server, slept).get("datasets/")
    assert len(slept) == 1 and 55 <= slept[0] <= 61


def test_retry_after_is_capped(serve):
    server = serve((429, {"Retry-After": "86400"}, {}))
    slept = []
    client_for(server, slept, max_retry_after=120).get("datasets/")
    assert slept == [120]


def test_a_rate_limit_outlasting_the_retries_says_so(serve):
    server = serve(*[(429, {"Retry-After": "1"}, {})] * 3)
    slept = []
    with pytest.raises(RateLimited, match="too many requests"):
        client_for(server, slept, retries=2).get("datasets/")
    assert slept == [1, 1]


def test_a_lost_answer_to_a_get_is_asked_again(serve):
    server = serve(RESET, RESET)
    slept = []
    assert client_for(server, slept).get("datasets/") == {"ok": True}
    assert server.methods() == ["GET"] * 3


@pytest.mark.parametrize("status", [429, 502, 503, 504, 500])
def test_a_post_is_never_repeated_after_an_error_answer(serve, status):
    server = serve((status, {"Retry-After": "3"}, {}))
    slept = []
    with pytest.raises(UncertainWrite) as caught:
        client_for(server, slept).post("datasets/", {"title": "x"})
    assert server.methods() == ["POST"] and slept == []
    assert "may or may not have been applied" in str(caught.value)
    assert caught.value.retry_after == 3  # for the caller, who looks before posting again


def test_a_post_whose_answer_is_lost_is_not_repeated(serve):
    server = serve(RESET)
    slept = []
    with pytest.raises(UncertainWrite, match=r"network failure .*may or may not"):
        client_for(server, slept).post("datasets/", {"title": "x"})
    assert server.methods() == ["POST"]


def test_a_post_that_never_connected_is_a_network_error_not_an_uncertain_write():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    slept = []
    client = Client(f"http://127.0.0.1:{port}/api/1", "udata_k", retries=2, sleep=slept.append)
    with pytest.raises(NetworkError) as caught:
        client.post("datasets/", {"title": "x"})
    assert not isinstance(caught.value, UncertainWrite)
    assert "NewConnectionError" in str(caught.value)
    assert len(slept) == 1  # two retries: the first at once, the second after a backoff


def test_the_key_does_not_follow_a_redirect_to_another_origin(serve):
    elsewhere = serve()
    server = serve((302, {"Location": elsewhere.url + "/datasets/"}, {}))
    slept = []
    assert client_for(server, slept).get("datasets/") == {"ok": True}
    (_, _, first), (_, _, second) = server.seen[0], elsewhere.seen[0]
    assert first["X-API-KEY"] == "udata_test-key"
    assert "X-API-KEY" not in second


def test_a_write_is_not_redirected(serve):
    server = serve((308, {"Location": "/api/1/elsewhere/"}, {}))
    slept = []
    with pytest.raises(Exception, match="unexpected answer 308"):
        client_for(server, slept).put("datasets/x/", {})
    assert server.methods() == ["PUT"]


def test_no_cookie_is_kept_and_the_tool_is_named(serve):
    server = serve((200, {"Set-Cookie": "session=abc; Path=/"}, {}))
    client = client_for(server, [])
    client.get("me/")
    client.get("me/")
    (_, _, first), (_, _, second) = server.seen
    assert "Cookie" not in second
    assert first["User-Agent"].startswith("ddet-data/")
    assert "github.com" not in first["User-Agent"]  # pyproject.toml names no repository
