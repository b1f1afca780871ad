"""The local data.gouv.fr: the real udata server on 127.0.0.1, for rehearsals and tests.

udata pins its own Flask, pymongo and more, so it lives in a virtual environment of its
own (`.venv-udata/`, installed on first use). The server runs `server.py` with
that interpreter, seeds its in-process database (mongomock) and writes what a client
needs to `<state_dir>/state.json`. The API keys are kept in files readable by the owner
only and are never printed.
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
from dataclasses import dataclass
from pathlib import Path

from ...errors import SandboxError

UDATA_REQUIREMENTS = ("udata==17.18.0", "mongomock==4.3.0")
SERVER_SCRIPT = Path(__file__).with_name("server.py")
START_TIMEOUT = 90.0
STOP_TIMEOUT = 10.0
KEYS = ("api_key", "other_api_key")  # each in a file of its own, readable by the owner only


@dataclass(frozen=True)
class Sandbox:
    """A running sandbox server, as written in its state folder."""

    url: str
    pid: int
    organization: str
    organization_slug: str
    state_dir: Path

    @property
    def root_url(self) -> str:
        return self.url.removesuffix("/api/1")

    @property
    def api_key_file(self) -> Path:
        return self.state_dir / "api_key"

    @property
    def api_key(self) -> str:
        """The publisher's key (admin of the organization)."""
        return read_secret(self.api_key_file)

    @property
    def other_api_key(self) -> str:
        """A valid key of a user without rights on the organization."""
        return read_secret(self.state_dir / "other_api_key")

    def exports(self) -> str:
        """Shell lines to export; the key is read from its file, never shown."""
        return "\n".join(
            [
                f"export DATAGOUV_API_URL={self.url}",
                f"export DATAGOUV_ORGANIZATION={self.organization}",
                f'export DATAGOUV_API_KEY="$(cat {self.api_key_file})"',
            ]
        )


def udata_python(env_dir: Path) -> Path:
    return env_dir / "bin" / "python"


def ensure_env(env_dir: Path, log=None) -> Path:
    """Install udata into `env_dir` unless it is already there; return its interpreter."""
    python = udata_python(env_dir)
    stamp = env_dir / ".ddet-installed"
    wanted = "\n".join(UDATA_REQUIREMENTS)
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    if log:
        log(f"installing {' '.join(UDATA_REQUIREMENTS)} into {env_dir} (about a minute)")
    try:
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                *UDATA_REQUIREMENTS,
            ],
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SandboxError(
            f"could not install udata into {env_dir}: {exc} (check that PyPI is reachable)"
        ) from exc
    stamp.write_text(wanted)
    return python


def sandbox_from(data: dict, state_dir: Path) -> Sandbox:
    """The sandbox a state file describes (the keys live in their own files)."""
    return Sandbox(
        url=data["url"],
        pid=int(data["pid"]),
        organization=data["organization"],
        organization_slug=data.get("organization_slug", ""),
        state_dir=state_dir,
    )


def read_state(state_dir: Path) -> Sandbox | None:
    path = state_dir / "state.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    return sandbox_from(data, state_dir)


def is_sandbox_process(pid: int) -> bool:
    """True if `pid` runs our server script: a stale state file must not kill another process."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return process_alive(pid)  # no /proc (macOS): trust the state file
    return SERVER_SCRIPT.name.encode() in cmdline


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def answers(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/datasets/licenses/", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def status(state_dir: Path) -> Sandbox | None:
    """The running sandbox, or None when none is running (stale state is ignored)."""
    sandbox = read_state(state_dir.resolve())
    if (
        sandbox
        and process_alive(sandbox.pid)
        and is_sandbox_process(sandbox.pid)
        and answers(sandbox.url)
    ):
        return sandbox
    return None


def write_secret(path: Path, value: str) -> None:
    path.touch(mode=0o600, exist_ok=True)
    os.chmod(path, 0o600)
    path.write_text(value + "\n", encoding="utf-8")


def read_secret(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip()


def start(state_dir: Path, env_dir: Path, log=None, timeout: float = START_TIMEOUT) -> Sandbox:
    """Start the server (installing udata first if needed) unless one is already running."""
    state_dir, env_dir = state_dir.resolve(), env_dir.resolve()
    running = status(state_dir)
    if running:
        return running
    python = ensure_env(env_dir, log=log)
    state_dir.mkdir(parents=True, exist_ok=True)
    state_file = state_dir / "state.json"
    state_file.unlink(missing_ok=True)
    server_log = state_dir / "server.log"
    command = [str(python), str(SERVER_SCRIPT), "--root", str(state_dir / "udata")]
    process = spawn([*command, "--state", str(state_file)], server_log, cwd=state_dir)

    def ready() -> Sandbox | None:
        if not state_file.exists():
            return None
        data = json.loads(state_file.read_text(encoding="utf-8"))
        if not answers(data["url"]):
            return None
        for key in KEYS:
            write_secret(state_dir / key, data.pop(key))
        state_file.write_text(json.dumps(data, indent=2), encoding="utf-8")
        return sandbox_from(data, state_dir)

    return wait_for_start(process, ready, "udata server", server_log, timeout)


def stop(state_dir: Path) -> bool:
    """Stop the server; True if one was running."""
    sandbox = read_state(state_dir)
    if sandbox is None:
        return False
    was_running = process_alive(sandbox.pid) and is_sandbox_process(sandbox.pid)
    if was_running:
        stop_process(sandbox.pid, STOP_TIMEOUT)
    for name in ("state.json", *KEYS):
        (state_dir / name).unlink(missing_ok=True)
    return was_running


def spawn(command: list[str], log: Path, cwd: Path | None = None) -> subprocess.Popen:
    """Start a background server in a session of its own, its output going to `log`."""
    with open(log, "wb") as output:
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=cwd,
        )


def wait_for_start(process: subprocess.Popen, ready, what: str, log: Path, timeout: float):
    """What `ready()` returns once it returns something; the server is killed if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SandboxError(
                f"the {what} stopped at start-up (exit {process.returncode}): see {log}"
            )
        result = ready()
        if result is not None:
            return result
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise SandboxError(f"the {what} did not answer within {timeout:.0f} s: see {log}")


def stop_process(pid: int, timeout: float) -> None:
    """Ask a server's process group to end, and kill it if it is still there after `timeout` s."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + timeout
    while process_alive(pid) and time.monotonic() < deadline:
        reap(pid)
        time.sleep(0.1)
    if process_alive(pid):
        os.killpg(pid, signal.SIGKILL)
        reap(pid)


def reap(pid: int) -> None:
    """Collect our own child's exit status so it does not linger as a zombie."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def write_requests(sandbox: Sandbox) -> list[dict]:
    try:
        with urllib.request.urlopen(f"{sandbox.root_url}/_sandbox/stats", timeout=5) as response:
            return json.loads(response.read())["requests"]
    except (urllib.error.URLError, OSError) as exc:
        raise SandboxError(f"{sandbox.root_url}: the sandbox does not answer ({exc})") from exc
