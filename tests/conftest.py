"""Fixtures shared by every test folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddet_data.datagouv.sandbox.process import start, stop

ROOT = Path(__file__).resolve().parents[1]


def pytest_collection_modifyitems(items):
    """Every test that uses the udata sandbox, directly or through a fixture, is marked so."""
    for item in items:
        if "sandbox" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.sandbox)


@pytest.fixture(autouse=True)
def outside_github_actions(monkeypatch):
    """Tests see the plain output on GitHub's runners too (GITHUB_ACTIONS=true there makes
    build, validate and lint print annotations); a test that wants them sets it."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory):
    """One real udata server on loopback for the whole session (installed on first use)."""
    state_dir = tmp_path_factory.mktemp("sandbox")
    server = start(state_dir, ROOT / ".venv-udata")
    try:
        yield server
    finally:
        stop(state_dir)
