"""The GitHub Actions workflows: valid against GitHub's schema, triggered as the README
says, the key kept in the steps' environment, the pull-request comment updated in place.

Their scripts run against the real udata in tests/datagouv/test_workflow_scripts.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent
MARKER = "<!-- ddet-data plan -->"


def workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def triggers(data: dict) -> dict:
    return data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true


def step(data: dict, name: str) -> dict:
    (job,) = data["jobs"].values()
    return next(s for s in job["steps"] if s.get("name") == name)


def all_steps():
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for job in workflow(path.name)["jobs"].values():
            for one in job["steps"]:
                yield path.name, one


# -- valid and safe --------------------------------------------------------------------


def test_every_workflow_is_valid_against_githubs_schema():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {p.name for p in files} >= {"ci.yml", "plan.yml", "publish.yml", "drift.yml"}
    checker = shutil.which("check-jsonschema", path=str(BIN)) or "check-jsonschema"
    command = [checker, "--builtin-schema", "vendor.github-workflows"]
    result = subprocess.run([*command, *map(str, files)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_workflow(tmp_path):
    broken = yaml.safe_load((WORKFLOWS / "publish.yml").read_text(encoding="utf-8"))
    broken["jobs"]["publish"]["stepz"] = broken["jobs"]["publish"].pop("steps")
    path = tmp_path / "broken.yml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    checker = shutil.which("check-jsonschema", path=str(BIN)) or "check-jsonschema"
    result = subprocess.run(
        [checker, "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "'stepz' was unexpected" in result.stdout


def test_ci_still_runs_what_ci_run_runs():
    data = workflow("ci.yml")
    assert {"push", "pull_request"} <= set(triggers(data))
    assert any(s.get("run") == "bash .ci/run" for s in data["jobs"]["test"]["steps"])


def test_the_key_only_reaches_steps_through_their_environment():
    for name, one in all_steps():
        run = one.get("run", "")
        assert "secrets." not in run and "set -x" not in run, (name, one.get("name"))
        # The shell reads the key only to test that it is set.
        expanded = run.replace('[ -z "${DATAGOUV_API_KEY:-}" ]', "")
        assert "$DATAGOUV_API_KEY" not in expanded and "${DATAGOUV_API_KEY" not in expanded
        for key, value in (one.get("env") or {}).items():
            if "secrets." in str(value):
                assert (key, value) == ("DATAGOUV_API_KEY", "${{ secrets.DATAGOUV_API_KEY }}")
        assert "secrets." not in json.dumps(one.get("with") or {}), name


def test_publish_runs_by_hand_and_on_main_in_an_environment_one_at_a_time():
    data = workflow("publish.yml")
    on = triggers(data)
    assert on["workflow_dispatch"]["inputs"]["target"]["options"] == ["demo", "prod"]
    assert on["push"] == {"branches": ["main"], "paths": ["datapackages/**"]}
    assert data["concurrency"] == {"group": "publish", "cancel-in-progress": False}
    assert data["jobs"]["publish"]["environment"] == "${{ inputs.target || 'prod' }}"
    runs = [s.get("run", "") for s in data["jobs"]["publish"]["steps"]]
    order = [next(i for i, r in enumerate(runs) if text in r) for text in (
        "make test", "build --check", "publish --target \"$TARGET\" --yes"
    )]  # fmt: skip
    assert order == sorted(order)
    publish = step(data, "Publish")
    assert publish["env"]["DATAGOUV_API_KEY"] == "${{ secrets.DATAGOUV_API_KEY }}"


def test_drift_is_checked_weekly_against_prod():
    data = workflow("drift.yml")
    (schedule,) = triggers(data)["schedule"]
    minute, hour, day, month, weekday = schedule["cron"].split()
    assert day == "*" and month == "*" and weekday.isdigit()
    run = step(data, "Plan against prod")["run"]
    assert "ddet-data plan --target prod --detailed-exitcode --format markdown" in run


def test_the_plan_is_posted_on_pull_requests_that_touch_the_data():
    on = triggers(workflow("plan.yml"))
    assert on["pull_request"]["paths"] == ["sources/**", "schemas/**", "datapackages/**"]


# -- the comment: one, updated ---------------------------------------------------------

COMMENTS_HARNESS = """
const comments = JSON.parse(process.argv[2]);
const calls = [];
const github = {
  paginate: async (method, options) => { calls.push(["list", options]); return comments; },
  rest: { issues: {
    listComments: "listComments",
    updateComment: async (o) => { calls.push(["update", o]); },
    createComment: async (o) => { calls.push(["create", o]); },
  } },
};
const context = { repo: { owner: "o", repo: "r" }, issue: { number: 7 } };
(async () => { %s })().then(() => console.log(JSON.stringify(calls)));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js, as github-script")
def test_the_comment_is_updated_rather_than_added(tmp_path):
    script = step(workflow("plan.yml"), "Comment on the pull request (one comment, updated)")
    (tmp_path / "plan-comment.md").write_text(MARKER + "\nnew plan\n", encoding="utf-8")
    harness = tmp_path / "harness.js"
    harness.write_text(COMMENTS_HARNESS % script["with"]["script"], encoding="utf-8")

    def calls(comments: list[dict]) -> list:
        env = {**os.environ, "RUNNER_TEMP": str(tmp_path)}
        result = subprocess.run(
            ["node", str(harness), json.dumps(comments)], env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    person = {"id": 1, "user": {"type": "User"}, "body": f"{MARKER} quoted by a person"}
    ours = {"id": 2, "user": {"type": "Bot"}, "body": MARKER + "\nold plan\n"}
    body = MARKER + "\nnew plan\n"
    assert calls([person, ours])[1:] == [
        ["update", {"owner": "o", "repo": "r", "comment_id": 2, "body": body}]
    ]
    assert calls([person])[1:] == [
        ["create", {"owner": "o", "repo": "r", "issue_number": 7, "body": body}]
    ]
