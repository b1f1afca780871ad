"""Fixtures shared by every test folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddet_data.datagouv.sandbox.process import start, stop

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory):
    """One real udata server on loopback for the whole session (installed on first use)."""
    state_dir = tmp_path_factory.mktemp("sandbox")
    server = start(state_dir, ROOT / ".venv-udata")
    try:
        yield server
    finally:
        stop(state_dir)
