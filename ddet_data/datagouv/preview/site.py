"""The preview's pages on disk, and the small loopback servers that show them.

`write_pages` writes `<out>/<package>/index.html` with its pictures beside it (in
`fichiers/`) and `<out>/index.html` listing them. `serve_folder` serves such a folder;
`serve_sandbox` draws the pages of what a udata server holds, read again at each request,
so that a publish to the sandbox shows at the next reload.
"""

from __future__ import annotations

import datetime as dt
import shutil
from functools import partial
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ...errors import DdetError
from ..client import Client
from .page import render_index, render_page
from .view import ASSETS, DatasetView, remote_view

HOST = "127.0.0.1"


def write_pages(views: list[DatasetView], out: Path) -> list[Path]:
    """Write one page per view (and the index); return the pages' paths."""
    out.mkdir(parents=True, exist_ok=True)
    pages = []
    for view in views:
        folder = out / view.name
        if (folder / ASSETS).is_dir():
            shutil.rmtree(folder / ASSETS)  # pictures of an older preview
        for name, source in view.assets.items():
            (folder / ASSETS).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, folder / ASSETS / name)
        folder.mkdir(parents=True, exist_ok=True)
        page = folder / "index.html"
        page.write_text(render_page(view), encoding="utf-8")
        pages.append(page)
    (out / "index.html").write_text(render_index(views), encoding="utf-8")
    return pages


class QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # the CLI prints, not the handler
        return None


def serve_folder(folder: Path, port: int = 0) -> ThreadingHTTPServer:
    """A server of `folder` on 127.0.0.1 (port 0: any free port); call serve_forever()."""
    handler = partial(QuietFiles, directory=str(folder))
    return ThreadingHTTPServer((HOST, port), handler)


def sandbox_views(client: Client, organization: str) -> list[DatasetView]:
    now = dt.datetime.now(dt.UTC)
    datasets = client.pages("datasets/", organization=organization, page_size=100)
    views = [remote_view(d, now=now, source=client.api_url) for d in datasets]
    return sorted(views, key=lambda v: v.name)


class SandboxPages(BaseHTTPRequestHandler):
    """Pages drawn from the server's datasets at each request."""

    client: Client
    organization: str

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path).strip("/")
        try:
            views = sandbox_views(self.client, self.organization)
        except DdetError as exc:
            self.reply(502, f"<p>Le bac à sable ne répond pas : {exc}</p>")
            return
        if path in ("", "index.html"):
            self.reply(200, render_index(views))
            return
        name = path.removesuffix("/index.html")
        for view in views:
            if view.name == name:
                self.reply(200, render_page(view))
                return
        self.reply(404, "<p>Aucun jeu de données à cette adresse.</p>")

    def reply(self, status: int, html: str) -> None:
        body = html.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:
        return None


def serve_sandbox(
    api_url: str, organization: str, api_key: str | None, port: int = 0
) -> ThreadingHTTPServer:
    """A server of the pages of `organization`'s datasets on `api_url` (drafts too, with
    the key)."""
    client = Client(api_url, api_key, retries=0)
    handler = type("Pages", (SandboxPages,), {"client": client, "organization": organization})
    return ThreadingHTTPServer((HOST, port), handler)
