"""The sandbox runs the real udata, seeded with a publisher, an outsider and the licences."""

from __future__ import annotations

import json
import urllib.request

import pytest

from ddet_data.datagouv.sandbox.process import status, stop


def get(url: str, key: str | None = None):
    request = urllib.request.Request(url, headers={"X-API-KEY": key} if key else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_sandbox_is_seeded(sandbox):
    assert status(sandbox.state_dir) == sandbox
    me = get(f"{sandbox.url}/me/", sandbox.api_key)
    # Other tests may create organizations of their own (test_quality does).
    assert sandbox.organization in [org["id"] for org in me["organizations"]]
    other = get(f"{sandbox.url}/me/", sandbox.other_api_key)
    assert other["organizations"] == []
    # Seeded like the platform: its licences, its geographic levels, the France zone.
    licences = {licence["id"] for licence in get(f"{sandbox.url}/datasets/licenses/")}
    assert {"lov2", "odc-odbl", "cc-by", "fr-lo", "notspecified"} <= licences
    assert len(licences) == 12
    levels = {level["id"] for level in get(f"{sandbox.url}/spatial/granularities/")}
    assert {"country", "fr:region", "fr:departement", "fr:commune"} <= levels
    assert {"parquet", "csv"} <= set(get(f"{sandbox.url}/datasets/extensions/"))


def test_keys_are_files_not_state(sandbox):
    state = (sandbox.state_dir / "state.json").read_text()
    assert sandbox.api_key not in state
    assert sandbox.api_key_file.stat().st_mode & 0o077 == 0
    assert "$(cat " in sandbox.exports() and sandbox.api_key not in sandbox.exports()


def test_stale_state_never_stops_another_process(tmp_path):
    import os

    state = {"url": "http://127.0.0.1:9/api/1", "pid": os.getpid(), "organization": "x"}
    (tmp_path / "state.json").write_text(json.dumps(state))
    assert status(tmp_path) is None
    assert stop(tmp_path) is False  # and this test process is still alive
    assert not (tmp_path / "state.json").exists()


@pytest.mark.sandbox  # starts a udata server of its own
def test_cli_start_status_stop(tmp_path):
    from click.testing import CliRunner

    from ddet_data.cli.main import cli

    from .conftest import ROOT

    (tmp_path / ".venv-udata").symlink_to(ROOT / ".venv-udata")
    runner = CliRunner()
    started = runner.invoke(cli, ["--root", str(tmp_path), "sandbox", "start"])
    try:
        assert started.exit_code == 0, started.output
        assert "export DATAGOUV_API_URL=http://127.0.0.1:" in started.stdout
        key = (tmp_path / ".sandbox" / "api_key").read_text().strip()
        assert key.startswith("udata_") and key not in started.output
        status = runner.invoke(cli, ["--root", str(tmp_path), "sandbox", "status"])
        assert status.exit_code == 0 and "running at" in status.stdout
    finally:
        stopped = runner.invoke(cli, ["--root", str(tmp_path), "sandbox", "stop"])
    assert stopped.stdout == "sandbox stopped\n"
    status = runner.invoke(cli, ["--root", str(tmp_path), "sandbox", "status"])
    assert status.exit_code == 1
