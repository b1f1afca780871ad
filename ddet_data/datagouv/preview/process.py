"""The preview of what the sandbox holds, as a background server beside the sandbox.

`sandbox start` starts it (`ddet-data preview --from-sandbox --serve` in a process of its
own); it writes `<state_dir>/preview.json` once it listens, and `sandbox stop` stops it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from ...errors import SandboxError
from ..sandbox.process import process_alive, reap

STATE_FILE = "preview.json"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 5.0
COMMAND_MARK = b"--from-sandbox"  # how our process is told from another with the same pid


def write_state(state_dir: Path, url: str) -> None:
    path = state_dir / STATE_FILE
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps({"url": url, "pid": os.getpid()}), encoding="utf-8")
    partial.replace(path)


def read_state(state_dir: Path) -> dict | None:
    try:
        return json.loads((state_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def is_preview_process(pid: int) -> bool:
    try:
        return COMMAND_MARK in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return process_alive(pid)  # no /proc (macOS): trust the state file


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def preview_url(state_dir: Path) -> str | None:
    """The address of the running preview, or None."""
    state = read_state(state_dir)
    if state and process_alive(state["pid"]) and is_preview_process(state["pid"]):
        return state["url"]
    return None


def start_preview(root: Path, state_dir: Path, timeout: float = START_TIMEOUT) -> str:
    """Start the preview server of the sandbox unless it runs; return its address."""
    running = preview_url(state_dir)
    if running:
        return running
    (state_dir / STATE_FILE).unlink(missing_ok=True)
    log = state_dir / "preview.log"
    command = [sys.executable, "-m", "ddet_data", "--root", str(root.resolve())]
    command += ["preview", "--from-sandbox", "--serve"]
    with open(log, "wb") as output:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SandboxError(f"the preview server stopped at start-up: see {log}")
        state = read_state(state_dir)
        if state and answers(state["url"]):
            return state["url"]
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise SandboxError(f"the preview server did not answer within {timeout:.0f} s: see {log}")


def stop_preview(state_dir: Path) -> bool:
    """Stop the preview server; True if one was running."""
    state = read_state(state_dir)
    if state is None:
        return False
    pid = state["pid"]
    running = process_alive(pid) and is_preview_process(pid)
    if running:
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + STOP_TIMEOUT
        while process_alive(pid) and time.monotonic() < deadline:
            reap(pid)
            time.sleep(0.1)
        if process_alive(pid):
            os.killpg(pid, signal.SIGKILL)
            reap(pid)
    (state_dir / STATE_FILE).unlink(missing_ok=True)
    return running
