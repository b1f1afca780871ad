"""The maintainers' week, as the README tells it, on a copy of the repository's own sources:
a new issue edited and rebuilt several times, an interview of a person from an unknown
organization ingested by URL from a server on 127.0.0.1. Then the invariants every valid
content must keep (tests/test_repository.py) still hold."""

import http.server
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_repository import check_invariants

from ddet_data.cli.main import cli
from ddet_data.errors import FetchError
from ddet_data.http import fetch_page
from ddet_data.package.reader import PackageFolder

ROOT = Path(__file__).parent.parent
PAGE = Path(__file__).parent / "fixtures" / "interviews" / "unknown-organization.html"

# A fictional issue, written as French editors write: colons, « », apostrophes, codes.
ISSUE = """\
number: {number}
published_on: {date}
title: "Fibre : la Bretagne accélère"
items:
  - title: "« Données ouvertes » : l'Ain publie ses budgets"
    url: https://example.org/ain-budgets
    summary: Le département publie les budgets de ses 01053 et 01004 communes en open data.
    territories: [01053, "01004", "01"]
  - title: "Corse : 2A004 ouvre un guichet numérique"
    territories: ["2A004", {{region: "94"}}]
    themes: [inclusion-numerique]
  - title: Les Alpes-Maritimes mutualisent leur DPO
    publisher: Exemple Médias
    territories: [06]
"""


class Pages(http.server.BaseHTTPRequestHandler):
    routes = {}

    def do_GET(self):  # noqa: N802 - http.server's name
        status, headers, body, delay = self.routes.get(self.path, (404, {}, b"not found", 0))
        time.sleep(delay)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    html = PAGE.read_bytes()
    latin = "<html><head><meta charset='iso-8859-1'></head><body><p>Été</p></body></html>"
    Pages.routes = {
        "/interview": (200, {"Content-Type": "text/html; charset=utf-8"}, html, 0),
        "/moved": (302, {"Location": "/interview"}, b"", 0),
        "/data": (200, {"Content-Type": "application/json"}, b"{}", 0),
        "/big": (200, {"Content-Type": "text/html"}, b"<p>" + b"x" * 4000, 0),
        "/slow": (200, {"Content-Type": "text/html"}, b"<p>late</p>", 2),
        "/latin": (200, {"Content-Type": "text/html"}, latin.encode("iso-8859-1"), 0),
    }
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def repo(tmp_path):
    """A copy of the repository's inputs and committed outputs, content as it is today."""
    for name in ("sources", "schemas", "releases", "datapackages"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def run(root, *args):
    return CliRunner().invoke(cli, ["--root", str(root), *args])


def test_fetch_page_follows_redirects_and_reads_the_declared_charset(server):
    page = fetch_page(f"{server}/moved")
    assert page.final_url.endswith("/interview") and "Camille Exemple" in page.html
    assert "Été" in fetch_page(f"{server}/latin").html


@pytest.mark.parametrize(
    "path, options, message",
    [
        ("/missing", {}, "the server answered 404"),
        ("/data", {}, "not an HTML page (Content-Type: application/json)"),
        ("/big", {"max_bytes": 1000}, "larger than 1000 bytes"),
        ("/slow", {"timeout": (1.0, 0.3)}, "no answer in time"),
    ],
)
def test_fetch_page_refuses_in_one_line(server, path, options, message):
    with pytest.raises(FetchError, match=re.escape(message)):
        fetch_page(f"{server}{path}", **options)


def test_ingest_by_url_writes_nothing_on_a_404(server, repo):
    before = sorted(p.name for p in (repo / "sources" / "interviews").iterdir())
    result = run(repo, "ingest", "interview", f"{server}/missing")
    assert result.exit_code == 1
    assert result.output.strip().endswith("the server answered 404 Not Found")
    assert sorted(p.name for p in (repo / "sources" / "interviews").iterdir()) == before


def test_a_week_of_maintenance_by_the_readme(server, repo):
    # A new issue: `ddet-data new issue`, then written with French punctuation and codes.
    last = max([0, *(int(p.stem) for p in (repo / "sources" / "issues").glob("*.y*ml"))])
    result = run(repo, "new", "issue", "--number", str(last + 1), "--date", "2026-12-07")
    assert result.exit_code == 0, result.output
    issue = repo / "sources" / "issues" / f"{last + 1}.yaml"
    assert run(repo, "new", "issue", "--number", str(last + 1)).exit_code == 1  # no overwrite
    issue.write_text(ISSUE.format(number=last + 1, date="2026-12-07"), encoding="utf-8")
    first = run(repo, "build")
    assert first.exit_code == 0, first.output
    package = PackageFolder(repo / "datapackages" / "ddet-newsletter")
    released = PackageFolder(repo / "releases" / "ddet-newsletter").version
    version = package.version
    assert version != released
    territories = {
        (r["territory_kind"], r["territory_code"])
        for r in package.rows("data/item_territories.csv")
        if r["item_id"].startswith(f"{last + 1}-")
    }
    assert territories == {
        ("commune", "01053"), ("commune", "01004"), ("departement", "01"),
        ("commune", "2A004"), ("region", "94"), ("departement", "06"),
    }  # fmt: skip
    # Edited and rebuilt several times: still one step from the release, one entry.
    for n in range(3):
        text = issue.read_text(encoding="utf-8").replace("accélère", f"accélère ({n})")
        issue.write_text(text, encoding="utf-8")
        assert run(repo, "build").exit_code == 0
    rebuilt = PackageFolder(repo / "datapackages" / "ddet-newsletter")
    assert rebuilt.version == version
    changelog = (rebuilt.path / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.count(f"## {version}") == 1
    assert re.findall(r"^## (\S+)", changelog, re.M) == [version, *released_versions(repo)]
    before = tree(repo / "datapackages")
    assert run(repo, "build").exit_code == 0
    assert tree(repo / "datapackages") == before  # same sources, same bytes

    # An interview of a person of an organization the sources do not know, by URL.
    result = run(repo, "ingest", "interview", f"{server}/interview")
    assert result.exit_code == 0, result.output
    assert "is not in sources/opsn/organizations.yaml" in result.output
    blocked = run(repo, "build")
    assert blocked.exit_code == 3 and "is still TODO" in blocked.output
    assert "organizations.yaml" in blocked.output  # every TODO left is named
    folder = next((repo / "sources" / "interviews").glob("camille-exemple-*"))
    draft = folder / "interview.yaml"
    text = draft.read_text(encoding="utf-8")
    text = re.sub(r"organization: TODO.*", "organization: infhotep", text)
    draft.write_text(text, encoding="utf-8")
    organizations = repo / "sources" / "opsn" / "organizations.yaml"
    text = re.sub(r"kind: TODO.*", "kind: opsn", organizations.read_text(encoding="utf-8"))
    organizations.write_text(text, encoding="utf-8")
    done = run(repo, "build")
    assert done.exit_code == 0, done.output
    opsn = PackageFolder(repo / "datapackages" / "opsn")
    [row] = [r for r in opsn.rows("data/organizations.csv") if r["interview_id"]]
    assert row["interview_id"] == folder.name and row["fact_ids"] == ""
    check_invariants(repo)


def released_versions(repo):
    text = (repo / "releases" / "ddet-newsletter" / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.findall(r"^## (\S+)", text, re.M)


def tree(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    "line, message",
    [
        ("  - title: Fibre : la Bretagne", r":5: malformed YAML: mapping values .*must be quoted"),
        ("  - title: Le #numérique en région", r":5: malformed YAML: '#' after a space .*'Le'"),
        ('  - title: a\n    territories: ["06", 06]', r":6: territory departement '06' is listed"),
        ("  - title: a\n    themes: [rgpd, rgpd]", r":6: themes: 'rgpd' is listed twice"),
        ("  - title: a\n    url: www.example.org/a", r":6: url 'www.example.org/a' has no scheme"),
    ],
)
def test_editors_mistakes_are_reported_at_the_yaml_line(repo, line, message):
    path = repo / "sources" / "issues" / "900.yml"  # .yml is read, not skipped
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        f"number: 900\npublished_on: 2026-12-07\ntitle: t\nitems:\n{line}\n", encoding="utf-8"
    )
    result = run(repo, "build")
    assert result.exit_code == 3
    assert re.search(re.escape(str(path)) + message, result.output), result.output
