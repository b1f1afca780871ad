"""The workflows' scripts, run here as GitHub runs them, against the real udata.

Each `run:` script of the plan, publish and drift workflows is executed with
`bash --noprofile --norc -eo pipefail` (GitHub's `shell: bash`) and the step's own `env:`,
its expressions given this test's values. Only the API URL differs from GitHub:
DATAGOUV_API_URL points the target at the sandbox.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
MARKER = "<!-- ddet-data plan -->"


def step(name: str, title: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    (job,) = data["jobs"].values()
    return next(s for s in job["steps"] if s.get("name") == title)


def run_step(project, one: dict, tmp_path, key: str | None, **values):
    """Run a step's script as GitHub would; returns (exit status, output, job summary)."""
    known = {
        "secrets.DATAGOUV_API_KEY": key or "",
        "vars.DATAGOUV_ORGANIZATION": project.sandbox.organization,
        "inputs.target || 'prod'": values.get("target", "prod"),
    }

    def evaluate(text: str) -> str:
        return EXPRESSION.sub(lambda m: known[m.group(1)], text)

    temp = tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)
    summary = tmp_path / "step-summary.md"
    summary.write_text("", encoding="utf-8")
    script = tmp_path / "step.sh"
    script.write_text(evaluate(one["run"]), encoding="utf-8")
    env = {
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "RUNNER_TEMP": str(temp),
        "GITHUB_STEP_SUMMARY": str(summary),
        "DATAGOUV_API_URL": project.sandbox.url,
        **{k: evaluate(str(v)) for k, v in (one.get("env") or {}).items()},
    }
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=project.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    text = summary.read_text(encoding="utf-8")
    assert project.sandbox.api_key not in output + text
    return result.returncode, output, text


def test_the_pull_request_comment_holds_the_plan_or_says_it_was_skipped(project, tmp_path):
    one = step("plan.yml", "Plan against demo")
    status, _, summary = run_step(project, one, tmp_path, key=None)
    comment = (tmp_path / "runner-temp" / "plan-comment.md").read_text(encoding="utf-8")
    assert status == 0 and comment == summary
    assert comment.startswith(MARKER + "\n### ddet-data plan: skipped")
    assert "pull requests from forks get no secrets" in comment

    key = project.sandbox.api_key
    status, _, summary = run_step(project, one, tmp_path, key=key)
    comment = (tmp_path / "runner-temp" / "plan-comment.md").read_text(encoding="utf-8")
    assert status == 0 and comment == summary
    assert comment.startswith(MARKER + "\n### ddet-data plan: ")
    assert f"#### `{project.name}`: new dataset" in comment

    status, _, summary = run_step(project, one, tmp_path, key="udata_" + "0" * 40)
    assert status == 0 and "### ddet-data plan: failed" in summary and "error: " in summary


def test_publishing_summarises_urls_and_changes(project, tmp_path):
    one = step("publish.yml", "Publish")
    status, output, summary = run_step(project, one, tmp_path, project.sandbox.api_key)
    assert status == 0, output
    (dataset,) = project.datasets()
    url = f"{project.sandbox.url}/datasets/{dataset['slug']}/"
    assert summary.startswith("## Published to `prod`")
    before, after = summary.split("On the platform now:")
    assert f"#### `{project.name}`: new dataset" in before  # what changed
    assert "| 8 | 0 | 0 | 0 | 0 |" in before  # the dataset and its 7 files
    assert f"#### `{project.name}`: [dataset]({url})" in after
    assert "### ddet-data plan: no change" in after
    assert f"{project.name}: {url} (" in after  # publish's own output, folded

    status, output, summary = run_step(project, one, tmp_path, key=None)
    assert status == 1 and "::error title=no key::" in output


def test_drift_fails_with_the_plan_when_the_platform_was_edited(project, tmp_path):
    one = step("drift.yml", "Plan against prod")
    key = project.sandbox.api_key
    status, output, summary = run_step(project, one, tmp_path, key)
    assert status == 1 and summary.startswith("## Drift: prod differs")  # never published
    assert "::error title=drift::" in output

    assert project.run("publish", "--yes").exit_code == 0
    status, output, summary = run_step(project, one, tmp_path, key)
    assert status == 0, output
    assert summary.startswith("## No drift")

    # Someone renames the dataset by hand on the platform.
    (dataset,) = project.datasets()
    request = urllib.request.Request(
        f"{project.sandbox.url}/datasets/{dataset['id']}/",
        data=json.dumps({"title": "Titre modifié à la main"}).encode(),
        headers={"X-API-KEY": key, "Content-Type": "application/json"},
        method="PUT",
    )
    urllib.request.urlopen(request, timeout=10).close()
    status, output, summary = run_step(project, one, tmp_path, key)
    assert status == 1 and summary.startswith("## Drift: prod differs")
    assert "~ update dataset (title" in summary

    status, output, summary = run_step(project, one, tmp_path, "udata_x")
    assert status == 1 and summary.startswith("## Drift check failed: `ddet-data plan` exited 1")
