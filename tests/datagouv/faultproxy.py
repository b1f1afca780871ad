"""A reverse proxy on loopback that injects faults in front of the udata sandbox.

Requests are numbered in arrival order; `schedule` maps a request number to a fault:

- `reset_after`: forward the request, let the server handle it, then close the
  connection without answering (the client cannot know whether a POST was applied);
- `slow`: forward, then answer only after `slow_seconds` (longer than the client's
  read timeout: the server has handled the request);
- `503_burst`: answer 503 to this request and the next two, without forwarding;
- `429`: answer 429 with `Retry-After: 1`, without forwarding;
- `502`: answer 502 without forwarding;
- `423`: answer 423 (the platform is locked), without forwarding (set by tests only).

`rule(method, path, body)`, when set, is asked first and may name a fault for a request
by what it carries (a part of a chunked upload, say); `None` leaves it to `schedule`.

Each response closes its connection, which keeps the proxy simple and honest.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

FAULTS = ("reset_after", "slow", "503_burst", "429", "502")
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "trailer"}
BURST = 3


class FaultProxy:
    def __init__(self, upstream: str, slow_seconds: float = 2.5):
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname
        self.upstream_port = parts.port
        self.api_path = parts.path
        self.slow_seconds = slow_seconds
        self.schedule: dict[int, str] = {}
        self.rule = None
        self.count = 0
        self.burst = 0
        self.injected: list[tuple[int, str, str, str]] = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                return None

            def handle_one(self):
                proxy.handle(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_one

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{self.api_path}"

    def start(self) -> FaultProxy:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def set_schedule(self, schedule: dict[int, str]) -> None:
        with self.lock:
            self.schedule = dict(schedule)
            self.count = 0
            self.burst = 0
            self.injected = []

    def next_fault(self, method: str, path: str, body: bytes = b"") -> str | None:
        with self.lock:
            index = self.count
            self.count += 1
            # A rule's fault first (it does not use up a burst), then a burst, then the schedule.
            fault = self.rule(method, path, body) if self.rule else None
            if not fault and self.burst:
                self.burst -= 1
                fault = "503"
            elif not fault:
                fault = self.schedule.get(index)
            if fault == "503_burst":
                self.burst = BURST - 1
                fault = "503"
            if fault:
                self.injected.append((index, fault, method, path))
            return fault

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        fault = self.next_fault(handler.command, handler.path, body)
        if fault in ("503", "502", "429", "423"):
            status = int(fault)
            headers = {"Retry-After": "1"} if status == 429 else {}
            self.answer(handler, status, headers, b'{"message": "injected fault"}')
            return
        status, headers, content = self.forward(handler, body)
        if fault == "reset_after":
            self.abort(handler)
            return
        if fault == "slow":
            time.sleep(self.slow_seconds)
        self.answer(handler, status, headers, content)

    def forward(self, handler, body: bytes):
        connection = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=60)
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["Host"] = f"{self.upstream_host}:{self.upstream_port}"
        try:
            connection.request(handler.command, handler.path, body=body or None, headers=headers)
            response = connection.getresponse()
            content = response.read()
            kept = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
            return response.status, kept, content
        finally:
            connection.close()

    def answer(self, handler, status: int, headers, content: bytes) -> None:
        items = headers.items() if isinstance(headers, dict) else headers
        try:
            handler.send_response_only(status)
            for key, value in items:
                if key.lower() != "content-length":
                    handler.send_header(key, value)
            handler.send_header("Content-Length", str(len(content)))
            handler.send_header("Connection", "close")
            handler.end_headers()
            if handler.command != "HEAD":
                handler.wfile.write(content)
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        handler.close_connection = True

    def abort(self, handler) -> None:
        """Close without a word: a reset after the server did the work."""
        try:
            handler.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        handler.close_connection = True
