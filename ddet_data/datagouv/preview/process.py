"""The preview of what the sandbox holds, as a background server beside the sandbox.

`sandbox start` starts it (`ddet-data preview --from-sandbox --serve` in a process of its
own); it writes `<state_dir>/preview.json` once it listens, and `sandbox stop` stops it.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

from ..sandbox.process import process_alive, spawn, stop_process, wait_for_start

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
    process = spawn(command, log)

    def ready() -> str | None:
        state = read_state(state_dir)
        return state["url"] if state and answers(state["url"]) else None

    return wait_for_start(process, ready, "preview server", log, timeout)


def stop_preview(state_dir: Path) -> bool:
    """Stop the preview server; True if one was running."""
    state = read_state(state_dir)
    if state is None:
        return False
    pid = state["pid"]
    running = process_alive(pid) and is_preview_process(pid)
    if running:
        stop_process(pid, STOP_TIMEOUT)
    (state_dir / STATE_FILE).unlink(missing_ok=True)
    return running
