"""The API key appears in no output, no message, no written file."""

from __future__ import annotations

import copy
import traceback

import pytest

from ddet_data.datagouv.client import Client
from ddet_data.errors import DdetError

from .packages import ROWS, make_package

WRONG_KEY = "udata_wrong-key-that-must-not-leak-0123456789"


def files_under(root):
    return [path for path in root.rglob("*") if path.is_file()]


def test_key_appears_nowhere(project):
    key = project.sandbox.api_key
    outputs = []
    for args in (
        ("plan",),
        ("plan", "--json"),
        ("plan", "--detailed-exitcode"),
        ("publish", "--dry-run"),
        ("publish", "--yes"),
        ("publish", "--yes", "--json"),
        ("--debug", "plan"),
    ):
        result = project.run(*args)
        assert result.exit_code in (0, 2), result.output
        outputs.append(result.output)
    rows = copy.deepcopy(ROWS)
    rows["issues"][0]["title"] = "Premier numéro, revu"
    make_package(project.package, project.name, rows)
    outputs.append(project.run("publish", "--yes").output)
    for args, key_used in (
        (("publish", "--yes"), WRONG_KEY),
        (("plan",), project.sandbox.other_api_key),
    ):
        result = project.run(*args, key=key_used)
        assert result.exit_code == 1
        outputs.append(result.output)
        assert key_used not in result.output
        debug = project.run("--debug", *args, key=key_used)
        outputs.append(debug.output + "".join(traceback.format_exception(debug.exception)))
        assert key_used not in outputs[-1]

    for output in outputs:
        assert key not in output
        assert WRONG_KEY not in output
    written = files_under(project.root)
    assert any(path.name == "publish-ids.json" for path in written)
    for path in written:
        content = path.read_bytes()
        assert key.encode() not in content, path
        assert WRONG_KEY.encode() not in content, path


def test_errors_and_client_never_carry_the_key(sandbox):
    client = Client(sandbox.url, WRONG_KEY)
    assert WRONG_KEY not in repr(client)
    with pytest.raises(DdetError) as caught:
        client.get("me/")
    exc = caught.value
    text = "".join(traceback.format_exception(exc)) + repr(exc) + repr(exc.args) + str(vars(exc))
    assert WRONG_KEY not in text
