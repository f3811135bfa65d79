"""Background processes with pid files and logs under ``.run/mesh/`` (override: CINEMESH_STATE_DIR).

Each process is given its own view of the keys directory (``.run/mesh/keys/<name>``: everyone's
public keys and only its own private key, as compose mounts them), so no process is configured
with another's signing key.

A pid file only counts while its process is alive and still runs the same module (``/proc``
cmdline), so a stale file or a recycled pid is never signalled. Each process leads its own
session; ``stop`` signals that process group: SIGTERM, then SIGKILL after a grace period.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from handlers.common.keys import private_key_path
from handlers.common.settings import REPO_ROOT, ServiceSettings
from mesh.processes import ProcessSpec


def state_dir() -> Path:
    path = Path(os.environ.get("CINEMESH_STATE_DIR", REPO_ROOT / ".run")) / "mesh"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_path(spec: ProcessSpec) -> Path:
    return state_dir() / f"{spec.name}.log"


def _pid_path(spec: ProcessSpec) -> Path:
    return state_dir() / f"{spec.name}.pid"


def running_pid(spec: ProcessSpec) -> int | None:
    try:
        pid = int(_pid_path(spec).read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None
    if cmdline == [b""]:  # empty while the kernel finishes the exec of a process just started
        return None if _is_zombie(pid) else pid
    return pid if spec.module.encode() in cmdline else None


def started_here(spec: ProcessSpec) -> bool:
    """Whether ``spec`` runs from a pid file of this state directory and from this checkout."""
    pid = running_pid(spec)
    if pid is None:
        return False
    try:
        return Path(f"/proc/{pid}/cwd").resolve() == REPO_ROOT
    except OSError:
        return False


def healthy(spec: ProcessSpec, timeout: float = 3.0) -> bool:
    try:
        return httpx.get(spec.health_url, timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def keys_view(spec: ProcessSpec, keys_dir: Path) -> Path:
    """A keys directory with every public key of ``keys_dir`` and only ``spec``'s own private key."""
    view = state_dir() / "keys" / spec.name
    if view.exists():
        shutil.rmtree(view)
    view.mkdir(parents=True)
    (view / "public").symlink_to((keys_dir / "public").resolve(), target_is_directory=True)
    own = private_key_path(keys_dir, spec.name).parent
    if own.is_dir():
        (view / "private").mkdir()
        (view / "private" / spec.name).symlink_to(own.resolve(), target_is_directory=True)
    return view


def start(spec: ProcessSpec, env: dict[str, str] | None = None) -> int:
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    keys_dir = Path(environment.get("CINEMESH_JWT_KEYS_DIR") or ServiceSettings().jwt_keys_dir)
    environment["CINEMESH_JWT_KEYS_DIR"] = str(keys_view(spec, keys_dir))
    with log_path(spec).open("ab") as log:
        log.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} starting python -m {spec.module}\n".encode())
        log.flush()
        process = subprocess.Popen(
            [sys.executable, "-m", spec.module],
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=environment,
        )
    _pid_path(spec).write_text(f"{process.pid}\n")
    return process.pid


def wait_healthy(specs: list[ProcessSpec], timeout: float = 60.0) -> None:
    """Until every spec answers its health check; raises naming the ones that died or hang."""
    pending = list(specs)
    deadline = time.monotonic() + timeout
    while pending:
        for spec in list(pending):
            if healthy(spec):
                pending.remove(spec)
            elif running_pid(spec) is None:
                raise RuntimeError(f"{spec.name} exited during start-up; last log lines:\n{tail(spec)}")
        if pending and time.monotonic() > deadline:
            names = ", ".join(spec.name for spec in pending)
            raise RuntimeError(f"not healthy after {timeout:.0f}s: {names}; see {state_dir()}")
        time.sleep(0.25)


def stop(spec: ProcessSpec, grace: float = 10.0) -> bool:
    pid = running_pid(spec)
    _pid_path(spec).unlink(missing_ok=True)
    if pid is None:
        return False
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return True
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not Path(f"/proc/{pid}").exists() or _is_zombie(pid):
                return True
            time.sleep(0.1)
    return True


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def tail(spec: ProcessSpec, lines: int = 20) -> str:
    try:
        return "\n".join(log_path(spec).read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"
