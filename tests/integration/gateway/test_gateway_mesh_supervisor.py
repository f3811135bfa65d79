"""The mesh supervisor with a real child process (the local gateway on a free port)."""

import os
import socket
from pathlib import Path

import pytest

from mesh import cli, supervisor
from mesh.processes import ProcessSpec

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def spec(tmp_path, monkeypatch) -> ProcessSpec:
    monkeypatch.setenv("CINEMESH_STATE_DIR", str(tmp_path))
    return ProcessSpec("gateway-under-test", "mesh.gateway", free_port())


@pytest.fixture
def env(spec, keys_dir) -> dict[str, str]:
    return {
        "GATEWAY_PORT": str(spec.port),
        "GATEWAY_REDIS_URL": "redis://127.0.0.1:6379/15",
        "CINEMESH_JWT_KEYS_DIR": str(keys_dir),
    }


def test_start_wait_healthy_and_stop(spec, env):
    pid = supervisor.start(spec, env)
    try:
        supervisor.wait_healthy([spec], timeout=30)
        assert supervisor.running_pid(spec) == pid
        assert supervisor.healthy(spec)
    finally:
        assert supervisor.stop(spec) is True
    assert supervisor.running_pid(spec) is None
    assert not supervisor.healthy(spec)
    assert "starting python -m mesh.gateway" in supervisor.log_path(spec).read_text()


def test_a_pid_file_of_another_program_is_never_signalled(spec):
    (supervisor.state_dir() / f"{spec.name}.pid").write_text(f"{os.getpid()}\n")
    assert supervisor.running_pid(spec) is None
    assert supervisor.stop(spec) is False


def test_a_process_dying_at_start_is_reported_with_its_log(spec, env):
    supervisor.start(spec, {**env, "GATEWAY_KONG_CONFIG": "/nonexistent/kong.yml"})
    with pytest.raises(RuntimeError, match="exited during start-up") as failure:
        supervisor.wait_healthy([spec], timeout=30)
    assert "gateway refuses to start" in str(failure.value)
    supervisor.stop(spec)


def test_second_up_on_a_running_mesh_says_so_and_does_nothing(spec, monkeypatch, capsys):
    monkeypatch.setattr(cli, "ALL", (spec,))
    monkeypatch.setattr(supervisor, "healthy", lambda _spec, timeout=3.0: True)
    monkeypatch.setattr(supervisor, "running_pid", lambda _spec: 4242)
    monkeypatch.setattr(cli.subprocess, "run", lambda *a, **k: pytest.fail("infra must not be touched"))
    monkeypatch.setattr(supervisor, "start", lambda *a, **k: pytest.fail("nothing may be started"))
    assert cli.up() == 0
    assert "already running; nothing to do" in capsys.readouterr().out
    assert not Path(supervisor.state_dir() / f"{spec.name}.pid").exists()
