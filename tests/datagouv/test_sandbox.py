"""The sandbox runs the real udata, seeded with a publisher, an outsider and the licences."""

from __future__ import annotations

import json
import urllib.request

from ddet_data import sandbox as sandbox_module


def get(url: str, key: str | None = None):
    request = urllib.request.Request(url, headers={"X-API-KEY": key} if key else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_sandbox_is_seeded(sandbox):
    assert sandbox_module.status(sandbox.state_dir) == sandbox
    me = get(f"{sandbox.url}/me/", sandbox.api_key)
    assert [org["id"] for org in me["organizations"]] == [sandbox.organization]
    other = get(f"{sandbox.url}/me/", sandbox.other_api_key)
    assert other["organizations"] == []
    licences = {licence["id"] for licence in get(f"{sandbox.url}/datasets/licenses/")}
    assert "lov2" in licences
    assert {"parquet", "csv"} <= set(get(f"{sandbox.url}/datasets/extensions/"))


def test_keys_are_files_not_state(sandbox):
    state = (sandbox.state_dir / "state.json").read_text()
    assert sandbox.api_key not in state
    assert sandbox.api_key_file.stat().st_mode & 0o077 == 0
    assert "$(cat " in sandbox.exports() and sandbox.api_key not in sandbox.exports()
