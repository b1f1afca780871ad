"""Faults on the way never leave a duplicate, and publishing always converges.

A fault-injecting proxy on loopback sits in front of the real udata sandbox: lost
answers after the server did the work, bursts of 503, 429 with Retry-After, answers
slower than the read timeout. A publish killed with SIGKILL and run again converges too.
"""

from __future__ import annotations

import copy
import itertools
import os
import random
import re
import signal
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddet_data.datagouv import publish as publishing
from ddet_data.datagouv.client import Client
from ddet_data.errors import DdetError

from .conftest import ROOT, api_get, target_for
from .faultproxy import FAULTS, FaultProxy
from .packages import ROWS, make_package

READ_TIMEOUT = 1.5
names = itertools.count()


@pytest.fixture(scope="module")
def proxy(sandbox):
    server = FaultProxy(sandbox.url, slow_seconds=READ_TIMEOUT + 1.0).start()
    yield server
    server.stop()


def faulty_client(url: str, key: str) -> Client:
    return Client(
        url,
        key,
        timeout=(2.0, READ_TIMEOUT),
        upload_timeout=(2.0, READ_TIMEOUT),
        retries=6,
        backoff=0.05,
        max_backoff=0.4,
    )



def datasets_named(sandbox, name: str) -> list[dict]:
    found, url = [], f"{sandbox.url}/datasets/?organization={sandbox.organization}&page_size=100"
    while url:
        page = api_get(url)
        found += [d for d in page["data"] if d["extras"].get("ddet:package") == name]
        url = page["next_page"]
    return found


def assert_converged(sandbox, target, package_dir, name):
    """One dataset, one resource per local file with its checksum, nothing else of ours."""
    (dataset,) = datasets_named(sandbox, name)
    dataset = api_get(f"{sandbox.url}/datasets/{dataset['id']}/")
    local = publishing.load_packages([package_dir], target)[0]
    markers = [r["extras"].get("ddet:resource") for r in dataset["resources"]]
    assert sorted(markers, key=str) == sorted(f.marker for f in local.files), markers
    checksums = {r["extras"]["ddet:resource"]: r["checksum"]["value"] for r in dataset["resources"]}
    assert checksums == {f.marker: f.sha1 for f in local.files}
    direct = target_for(sandbox.url, sandbox, package_dir.parent, "faults")
    plan = publishing.plan(direct, [package_dir])
    assert not plan.has_changes, [a.to_dict() for a in plan.changes]


def publish_through(proxy, schedule, target, package_dir):
    """Publish with faults; if the faults win, publish again once they are over."""
    proxy.set_schedule(schedule)
    try:
        publishing.publish(target, [package_dir], client=faulty_client(proxy.url, target.api_key))
    except DdetError:
        proxy.set_schedule({})
        publishing.publish(target, [package_dir], client=faulty_client(proxy.url, target.api_key))
    finally:
        proxy.set_schedule({})


schedules = st.dictionaries(st.integers(0, 30), st.sampled_from(FAULTS), min_size=1, max_size=6)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(first=schedules, second=schedules)
def test_random_faults_never_duplicate(sandbox, proxy, tmp_path, first, second):
    name = f"essai-fautes-{next(names)}"
    package_dir = make_package(tmp_path / name / name, name)
    target = target_for(proxy.url, sandbox, tmp_path / name, "faults")

    publish_through(proxy, first, target, package_dir)
    assert_converged(sandbox, target, package_dir, name)

    rows = copy.deepcopy(ROWS)
    rows["issues"].append({"issue_number": 3, "published_on": "2024-01-22", "title": "Trois"})
    make_package(package_dir, name, rows)
    publish_through(proxy, second, target, package_dir)
    assert_converged(sandbox, target, package_dir, name)


def test_every_post_answer_lost(sandbox, proxy, tmp_path):
    """The server applies every POST but the client never hears back: nothing is repeated."""
    name = f"essai-fautes-{next(names)}"
    package_dir = make_package(tmp_path / name, name)
    target = target_for(proxy.url, sandbox, tmp_path, "faults")
    before = len(api_get(f"{sandbox.root_url}/_sandbox/stats")["requests"])
    proxy.rule = lambda method, path, body: "reset_after" if method == "POST" else None
    try:
        publishing.publish(target, [package_dir], client=faulty_client(proxy.url, sandbox.api_key))
    finally:
        proxy.rule = None
    writes = api_get(f"{sandbox.root_url}/_sandbox/stats")["requests"][before:]
    posts = [w for w in writes if w["method"] == "POST"]
    assert len(posts) == 8  # the dataset and seven uploads, each sent exactly once
    assert_converged(sandbox, target, package_dir, name)


def test_429_retry_after_is_honoured(sandbox, proxy, tmp_path):
    target = target_for(proxy.url, sandbox, tmp_path, "faults")
    client = faulty_client(proxy.url, sandbox.api_key)
    proxy.set_schedule({0: "429"})
    start = time.monotonic()
    try:
        assert client.get("datasets/licenses/")
    finally:
        proxy.set_schedule({})
    assert time.monotonic() - start >= 1.0
    assert target.api_url == proxy.url


def test_post_is_not_repeated_by_the_client(sandbox, proxy):
    from ddet_data.errors import UncertainWrite

    client = faulty_client(proxy.url, sandbox.api_key)
    before = len(api_get(f"{sandbox.root_url}/_sandbox/stats")["requests"])
    proxy.set_schedule({0: "503_burst"})
    try:
        with pytest.raises(UncertainWrite):
            client.post("datasets/", {"title": "x", "description": "y"})
        assert proxy.count == 1  # one attempt only, though GETs would be retried
    finally:
        proxy.set_schedule({})
    assert api_get(f"{sandbox.root_url}/_sandbox/stats")["requests"][before:] == []


def test_safe_requests_are_retried_through_503_and_slow_answers(sandbox, proxy):
    client = faulty_client(proxy.url, sandbox.api_key)
    proxy.set_schedule({0: "503_burst", 3: "slow", 4: "502", 5: "reset_after"})
    try:
        assert {licence["id"] for licence in client.get("datasets/licenses/")} >= {"lov2"}
        assert proxy.count == 7
        assert [fault for _, fault, _, _ in proxy.injected] == [
            "503", "503", "503", "slow", "502", "reset_after"
        ]  # fmt: skip
    finally:
        proxy.set_schedule({})


def publish_command(project) -> list[str]:
    """`ddet-data publish --yes` as a process of its own, to be signalled."""
    main = "from ddet_data.cli.main import main; main()"
    return [sys.executable, "-c", main, "--root", str(project.root), "publish", "--yes"]


def test_kill_9_at_any_moment_then_rerun_converges(project):
    """SIGKILL a real `ddet-data publish` at random moments; the last run converges."""
    command = publish_command(project)
    env = {**os.environ, **project.env}
    chance = random.Random(20241108)
    rows = copy.deepcopy(ROWS)
    killed = 0
    for round_number in range(5):
        rows["themes"].append({"theme_id": f"t{round_number}", "label": f"Thème {round_number}"})
        make_package(project.package, project.name, rows)
        before = len(project.writes())
        # Kill right after the server handled the k-th write of this run.
        k = chance.randint(1, 12 if round_number == 0 else 5)
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if len(project.writes()) - before >= k:
                process.send_signal(signal.SIGKILL)
                killed += 1
                break
            time.sleep(0.005)
        process.wait()
    assert killed >= 3
    final = project.run("publish", "--yes")
    assert final.exit_code == 0, final.output
    assert len(project.datasets()) == 1
    dataset = project.dataset()
    markers = [r["extras"].get("ddet:resource") for r in dataset["resources"]]
    assert len(markers) == len(set(markers)) == 7, markers
    assert project.run("plan", "--detailed-exitcode").exit_code == 0


def publish_with_rule(project, proxy, rule):
    """`publish --yes` through the proxy, `rule` picking the faults."""
    proxy.rule = rule
    try:
        return project.run("publish", "--yes", url=proxy.url)
    finally:
        proxy.rule = None


def test_locked_platform_says_what_to_do(project, proxy):
    def lock_creations(method, path, body):
        return "423" if (method, path) == ("POST", "/api/1/datasets/") else None

    result = publish_with_rule(project, proxy, lock_creations)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"error: POST {proxy.url}/datasets/: the platform refuses creations right now "
        "(locked): try again later (423) (server: injected fault)"
    ]
    assert project.datasets() == []


def test_ctrl_c_says_how_far_it_went_and_exits_130(project):
    """SIGINT in the middle of a publish: one line with the count, 130, and a rerun finishes."""
    command = publish_command(project)
    before = len(project.writes())
    process = subprocess.Popen(
        command,
        env={**os.environ, **project.env},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if len(project.writes()) - before >= 4:  # the dataset and some files
            process.send_signal(signal.SIGINT)
            break
        time.sleep(0.005)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    (line,) = stderr.strip().splitlines()[-1:]
    match = re.fullmatch(
        r"error: interrupted: (\d+) of 8 change\(s\) applied; the same command finishes the "
        r"job \(it picks up where this run stopped\)",
        line,
    )
    assert match, stderr
    assert 1 <= int(match.group(1)) < 8
    final = project.run("publish", "--yes")
    assert final.exit_code == 0, final.output
    assert project.run("plan", "--detailed-exitcode").exit_code == 0


def test_a_failure_half_way_says_how_many_changes_were_applied(project, proxy):
    def refuse_metadata(method, path, body):
        # The platform locks up once the files are uploaded: the first metadata PUT fails.
        return "423" if method == "PUT" else None

    result = publish_with_rule(project, proxy, refuse_metadata)
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: PUT {proxy.url}/datasets/")
    assert line.endswith(
        "; 1 of 8 change(s) applied; the same command finishes the job "
        "(it picks up where this run stopped)"
    )
    final = project.run("publish", "--yes")
    assert final.exit_code == 0, final.output
    assert project.run("plan", "--detailed-exitcode").exit_code == 0
