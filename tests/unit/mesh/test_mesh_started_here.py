"""A mesh process counts as this checkout's only when its pid file is here and it runs from here.

The e2e suite reuses a running mesh only then: a mesh of another checkout or of the benchmark
answers on the same ports, and testing it would test other code (and read other logs).
"""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from handlers.common.settings import REPO_ROOT
from mesh import supervisor
from mesh.processes import ProcessSpec

pytestmark = pytest.mark.unit
SPEC = ProcessSpec("sleeper", "tests.sleeper", 1)


@pytest.fixture
def sleeper_in(tmp_path, monkeypatch):
    monkeypatch.setenv("CINEMESH_STATE_DIR", str(tmp_path / "state"))
    started = []

    def start(cwd) -> None:
        command = [sys.executable, "-c", "import time; time.sleep(60)", SPEC.module]
        process = subprocess.Popen(command, cwd=cwd)
        started.append(process)
        (supervisor.state_dir() / f"{SPEC.name}.pid").write_text(f"{process.pid}\n")
        cmdline = Path(f"/proc/{process.pid}/cmdline")
        deadline = time.monotonic() + 10
        while not cmdline.read_bytes():  # empty until the kernel has finished the exec
            assert time.monotonic() < deadline, "the sleeper never started"
            time.sleep(0.01)

    yield start
    for process in started:
        process.kill()
        process.wait()


def test_a_process_started_from_this_checkout_is_ours(sleeper_in):
    sleeper_in(REPO_ROOT)
    assert supervisor.started_here(SPEC)


def test_a_process_of_another_checkout_is_not(sleeper_in, tmp_path):
    sleeper_in(tmp_path)
    assert supervisor.running_pid(SPEC) is not None  # same module, live pid: only the checkout differs
    assert not supervisor.started_here(SPEC)


def test_no_pid_file_is_not_ours(tmp_path, monkeypatch):
    monkeypatch.setenv("CINEMESH_STATE_DIR", str(tmp_path))
    assert not supervisor.started_here(SPEC)
