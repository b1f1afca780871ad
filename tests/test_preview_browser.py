"""The preview's pages opened in a real browser (headless Chromium): what a researcher sees."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import struct
import threading
import zlib
from html import unescape
from pathlib import Path

import pytest
from browser import dump_dom, print_pdf, screenshot
from click.testing import CliRunner
from datagouv.packages import make_package

from ddet_data.cli.main import cli
from ddet_data.datagouv.config import DatasetSettings
from ddet_data.datagouv.local import make_file, read_package
from ddet_data.datagouv.preview.page import french_size
from ddet_data.datagouv.preview.site import serve_folder, write_pages
from ddet_data.datagouv.preview.view import local_view

ROOT = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
DESCRIPTION = """\
Première ligne
deuxième ligne, après un seul retour à la ligne.

| Table | Lignes |
| --- | --- |
| issues | 2 |
| themes | 2 |

![Schéma des tables]({{resource:docs/diagram}})

```mermaid
graph TD; issues-->themes
```

<script>document.title = "pirate"</script><b onclick="alert(1)">gras</b>"""


def png(width: int, height: int) -> bytes:
    """A plain red PNG, written by hand to need no imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xd0\x30\x30" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A small package whose description has a table, line breaks, Mermaid, raw HTML and
    a picture, drawn through the payload functions publish uses."""
    base = tmp_path_factory.mktemp("preview")
    folder = make_package(base / "essai", "essai", description=DESCRIPTION)
    (folder / "docs").mkdir()
    (folder / "docs" / "diagram.png").write_bytes(png(120, 60))
    package = read_package(folder)
    picture = make_file(
        folder,
        "docs/diagram.png",
        "docs/diagram",
        upload_name="diagram.png",
        title="Schéma des tables (image)",
        description="Les tables et leurs clés.",
        type="documentation",
        format="png",
        mimetype="image/png",
    )
    package = dataclasses.replace(package, files=(*package.files, picture))
    settings = DatasetSettings(tags=("essai", "données"), frequency="weekly")
    view = local_view(package, settings, now=NOW)
    (page,) = write_pages([view], base / "out")
    return page, view


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def section(dom: str, start: str, end: str) -> str:
    return dom[dom.index(start) : dom.index(end, dom.index(start))]


def test_the_browser_shows_title_table_breaks_and_no_mermaid(site):
    page, view = site
    dom = dump_dom(page.as_uri())
    assert "<title>Jeu de données - Newsletter DDET (essai) | data.gouv.fr (aperçu)</title>" in dom
    assert '<h1 id="titre">Newsletter DDET (essai)</h1>' in dom
    description = section(dom, '<div class="markdown" id="description">', "</article>")
    assert "Première ligne<br>" in description
    table = re.search(r"<table>.*?</table>", description, re.S).group(0)
    assert "<th>Table</th>" in table and "<td>issues</td>" in table
    # Mermaid stays code, as on data.gouv.fr; nothing draws it.
    assert '<code class="language-mermaid">graph TD; issues--&gt;themes' in description
    assert "<svg" not in dom
    # Raw HTML is sanitized: the script neither ran nor stayed, the handler is gone.
    assert "pirate" not in dom and "<script" not in description
    assert "<b>gras</b>" in description
    # Headings are demoted (the smallest, here `##`, becomes level 3) and drawn as bold
    # blocks, not headings.
    assert not re.search(r"<h[1-6]", description)
    assert '<div class="titre titre-3">Citer ce jeu de données</div>' in description


def test_the_browser_shows_every_resource_with_size_checksum_and_group(site):
    page, view = site
    dom = dump_dom(page.as_uri())
    articles = re.findall(r'<article class="ressource".*?</article>', dom, re.S)
    assert len(articles) == len(view.resources) == 8
    by_marker = {re.search(r'data-marker="([^"]+)"', a).group(1): text_of(a) for a in articles}
    for resource in view.resources:
        shown = by_marker[resource["extras"]["ddet:resource"]]
        assert resource["title"] in shown
        assert french_size(resource["filesize"]) in shown
        assert resource["checksum"]["value"] in shown
    assert "Format csv (" in by_marker["issues/csv"]
    assert "Schéma: Schéma de la table issues (Table Schema)" in by_marker["issues/csv"]
    groups = re.findall(r'<div class="groupe-titre">([^<]+)</div>', dom)
    assert groups == ["4 fichiers principaux", "4 fichiers de documentation"]


def test_the_picture_is_next_to_the_page_and_shown(site):
    page, view = site
    dom = dump_dom(page.as_uri())
    name = next(n for n in view.assets)
    assert (page.parent / "fichiers" / name).read_bytes() == png(120, 60)
    description = section(dom, '<div class="markdown" id="description">', "</article>")
    assert f'<img src="fichiers/{name}" alt="Schéma des tables">' in description


def test_the_browser_shows_the_quality_criteria(site):
    page, view = site
    dom = dump_dom(page.as_uri())
    criteria = re.findall(r'<li class="(oui|non)" data-critere="([a-z_]+)">([^<]+)<', dom)
    assert [(state, key) for state, key, _ in criteria] == [
        ("oui", "dataset_description_quality"),
        ("oui", "resources_documentation"),
        ("oui", "license"),
        ("oui", "update_fulfilled_in_time"),
        ("oui", "has_open_format"),
        ("oui", "temporal_coverage"),
        ("oui", "spatial"),
        ("oui", "all_resources_available"),
    ]
    assert criteria[5][2] == "Couverture temporelle renseignée"
    informations = text_of(section(dom, '<section id="informations">', "</main>"))
    assert "Couverture temporelledu 8 janvier au 15 janvier 2024" in informations
    assert "Hebdomadaire" in informations and "France (country:fr)" in informations
    assert "essai" in informations and "donnees" in informations  # tags as udata stores them
    assert "Licence Ouverte / Open Licence version 2.0" in text_of(dom)


def test_screenshots_at_desktop_and_phone_width_and_a_print(site):
    page, _ = site
    # Headless Chromium's window is at least 500 px wide: the narrowest it can show.
    for name, width in (("preview-desktop.png", 1280), ("preview-narrow.png", 500)):
        shot = screenshot(page.as_uri(), name, width, 2400)
        header = shot.read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", header[16:24]) == (width, 2400)
    pdf = print_pdf(page.as_uri(), "preview.pdf")
    content = pdf.read_bytes()
    assert (
        content.startswith(b"%PDF")
        and content.count(b"/Type /Page\n") + content.count(b"/Type/Page") >= 1
    )


def test_preview_of_the_repository_packages_shows_each_resource(tmp_path):
    """`ddet-data preview --out DIR` on this repository's packages, opened in the browser."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "datapackages", root / "datapackages")
    shutil.copy(ROOT / "publish.toml", root / "publish.toml")
    out = tmp_path / "pages"
    result = CliRunner().invoke(cli, ["--root", str(root), "preview", "--out", str(out)])
    assert result.exit_code == 0, result.output
    packages = sorted(p.parent.name for p in (root / "datapackages").glob("*/datapackage.json"))
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == packages
    for name in packages:
        page = out / name / "index.html"
        assert f"{page}: " in result.output
        dom = dump_dom(page.as_uri())
        package = read_package(root / "datapackages" / name)
        assert f'<h1 id="titre">{package.title}</h1>' in dom
        assert "<table>" in section(dom, 'id="description"', "</article>")
        shown = text_of(dom)
        for file in package.files:
            assert file.title in shown
            assert french_size(file.size) in shown
        assert len(re.findall(r'data-critere="', dom)) == 8
        # Self-contained: nothing to fetch (links may point out; nothing loads from there).
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<(script|link|iframe)\b", html)
        assert not re.search(r'src="(https?:)?//', html) and "@import" not in html
    screenshot((out / packages[-1] / "index.html").as_uri(), "preview-repository.png", 1280, 1800)


def test_nothing_overflows_a_phone_width(site):
    """At 390 px wide the page scrolls only down: wide tables and code scroll inside their
    own box. Headless Chromium's window is at least 500 px wide, so the page is measured
    in a 390 px frame of a probe page, served on loopback to share its origin."""
    page, _ = site
    folder = page.parent.parent
    probe = folder / "mesure.html"
    probe.write_text(
        f'<iframe id="f" src="{page.parent.name}/index.html" width="390" height="900" '
        'style="border:0"></iframe><script>document.getElementById("f").onload = function () {'
        " var d = this.contentDocument.documentElement;"
        " document.body.setAttribute('data-largeur', d.scrollWidth + ' ' + d.clientWidth); };"
        "</script>",
        encoding="utf-8",
    )
    server = serve_folder(folder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        dom = dump_dom(f"http://{host}:{port}/mesure.html")
    finally:
        server.shutdown()
        server.server_close()
        probe.unlink()
    scroll, client = map(int, re.search(r'data-largeur="(\d+) (\d+)"', dom).groups())
    assert client <= 390 and scroll == client
