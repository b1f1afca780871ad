"""Headless Chromium (the distribution's package) for the tests that look at pages.

`make test-browser` installs it (`apt-get install -y chromium`) and `make test` sets
DDET_REQUIRE_BROWSER=1, so that a missing browser fails there instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(__file__).resolve().parents[1] / "tmp" / "out"
# No first-run work, no updates, no sync, no QUIC: a page from disk or loopback only.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
TIMEOUT = 120


def browser() -> Path:
    path = CHROMIUM if CHROMIUM.exists() else Path(shutil.which("chromium") or CHROMIUM)
    if not path.exists():
        message = "chromium is not installed: run 'make test-browser' (apt-get install chromium)"
        if os.environ.get("DDET_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def run(url: str, *args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        return subprocess.run(
            [str(browser()), *FLAGS, f"--user-data-dir={profile}", *args, url],
            capture_output=True,
            timeout=TIMEOUT,
            check=True,
        )


def dump_dom(url: str) -> str:
    """The DOM once the page has loaded, as the browser serializes it."""
    return run(url, "--dump-dom").stdout.decode("utf-8")


def screenshot(url: str, name: str, width: int, height: int) -> Path:
    """A PNG of the page at that window size, kept under tmp/out/ as an artefact."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / name
    path.unlink(missing_ok=True)
    run(url, f"--screenshot={path}", f"--window-size={width},{height}", "--hide-scrollbars")
    return path


def print_pdf(url: str, name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / name
    path.unlink(missing_ok=True)
    run(url, f"--print-to-pdf={path}", "--no-pdf-header-footer")
    return path
