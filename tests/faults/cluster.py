"""The fault suite's own cluster: infrastructure and a mesh it starts, may kill, and stops.

Infrastructure comes from ``scripts/faults_infra.sh`` (PostgreSQL, FerretDB, Redis and a RabbitMQ
node on 24xxx ports, state under ``.run/faults/``); the mesh is the five services and the local
gateway, started by ``mesh.supervisor`` with pid files and logs under ``.run/faults/mesh/`` on
ports of their own (gateway 18000 and its metrics 18100, services 18101-18105, gRPC 18051; all
moved by ``CINEMESH_FAULTS_PORT_SHIFT``, as the script's), every address given through the
services' settings (``USER_PORT``, ``BOOKING_CINEMA_URL``, ``GATEWAY_UPSTREAMS`` ...). Nothing
here signals a process this suite did not start: services by their own pid files (module and
working directory checked, as ``make down`` does), infrastructure by the script's pid files,
data directory and node name; one session per checkout at a time (``one_session``).

Timings are shortened so that a run settles within a minute: seat holds last ``HOLD_TTL_SECONDS``
(production: 600), the recovery sweep runs every 2 s and takes bookings untouched for 10 s (30 s),
the seat inventory sweeps lapsed holds every 2 s (5 s), and payment takes over a charge whose request
died after 20 s (60 s). Everything else is the services' default.
"""

import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from handlers.common.keys import ensure_dev_keys
from handlers.common.settings import DEV_KEYS_DIR, REPO_ROOT
from mesh import supervisor
from mesh.processes import ProcessSpec

FAULTS_DIR = REPO_ROOT / ".run" / "faults"
INFRA_SCRIPT = REPO_ROOT / "scripts" / "faults_infra.sh"
INFRA = ("postgres", "mongo", "redis", "rabbitmq")
HOLD_TTL_SECONDS = 20
RECOVERY_GRACE_SECONDS = 10
PAYMENT_LEASE_SECONDS = 20
SHIFT = int(os.environ.get("CINEMESH_FAULTS_PORT_SHIFT", "0"))  # every port (scripts/faults_infra.sh too)
GRPC_PORT = 18051 + SHIFT
GATEWAY_STATUS_PORT = 18100 + SHIFT  # the gateway's metrics
SERVICES = (
    ProcessSpec("user", "handlers.user", 18101 + SHIFT),
    ProcessSpec("cinema", "handlers.cinema", 18102 + SHIFT),
    ProcessSpec("payment", "handlers.payment", 18104 + SHIFT),
    ProcessSpec("booking", "handlers.booking", 18103 + SHIFT),
    ProcessSpec("notification", "handlers.notification", 18105 + SHIFT),
)
GATEWAY = ProcessSpec("gateway", "mesh.gateway", 18000 + SHIFT)
MESH = (*SERVICES, GATEWAY)


def infra(*args: str, timeout: float = 240) -> str:
    """Run ``scripts/faults_infra.sh`` with ``args``; its output, or RuntimeError with it."""
    result = subprocess.run(
        [str(INFRA_SCRIPT), *args], capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT
    )
    if result.returncode != 0:
        raise RuntimeError(f"faults_infra.sh {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def infra_ports() -> dict[str, int]:
    lines = infra("env").split()
    return {name: int(port) for name, _, port in (line.partition("=") for line in lines)}


def answering(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def by_name(name: str) -> ProcessSpec:
    return next(spec for spec in MESH if spec.name == name)


@dataclass
class Cluster:
    """Addresses of the suite's infrastructure and mesh, and the processes' environment."""

    ports: dict[str, int]
    overrides: dict[str, dict[str, str]] = field(default_factory=dict)  # per process, set by a test

    @property
    def gateway_url(self) -> str:
        return GATEWAY.url

    @property
    def postgres_dsn(self) -> str:
        return f"postgresql://cinemesh:cinemesh@127.0.0.1:{self.ports['postgres']}/cinema"

    @property
    def mongo_url(self) -> str:
        return f"mongodb://127.0.0.1:{self.ports['mongo']}/"

    @property
    def amqp_url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.ports['rabbitmq']}/"

    @property
    def notification_dir(self) -> Path:
        return FAULTS_DIR / "notifications"

    def env(self) -> dict[str, str]:
        upstreams = {
            "user-service": by_name("user").url,
            "cinema-service": by_name("cinema").url,
            "booking-service": by_name("booking").url,
            "payment-service": by_name("payment").url,
        }
        return {
            "CINEMESH_STATE_DIR": str(FAULTS_DIR),
            "CINEMESH_POSTGRES_URL": self.postgres_dsn.replace("postgresql://", "postgresql+asyncpg://"),
            "CINEMESH_MONGO_URL": self.mongo_url,
            "CINEMESH_REDIS_URL": f"redis://127.0.0.1:{self.ports['redis']}/0",
            "CINEMESH_AMQP_URL": self.amqp_url,
            "CINEMESH_JWT_KEYS_DIR": str(DEV_KEYS_DIR),
            "USER_PORT": str(by_name("user").port),
            "CINEMA_HTTP_PORT": str(by_name("cinema").port),
            "CINEMA_GRPC_PORT": str(GRPC_PORT),
            "CINEMA_SWEEP_INTERVAL_SECONDS": "2",
            "PAYMENT_PORT": str(by_name("payment").port),
            "PAYMENT_IDEMPOTENCY_LEASE_SECONDS": str(PAYMENT_LEASE_SECONDS),
            "BOOKING_PORT": str(by_name("booking").port),
            "BOOKING_CINEMA_URL": by_name("cinema").url,
            "BOOKING_CINEMA_GRPC_PORT": str(GRPC_PORT),
            "BOOKING_PAYMENT_URL": by_name("payment").url,
            "BOOKING_HOLD_TTL_SECONDS": str(HOLD_TTL_SECONDS),
            "BOOKING_SWEEP_INTERVAL_SECONDS": "2",
            "BOOKING_RECOVERY_GRACE_SECONDS": str(RECOVERY_GRACE_SECONDS),
            "NOTIFICATION_PORT": str(by_name("notification").port),
            "NOTIFICATION_OUTBOX_DIR": str(self.notification_dir),
            "GATEWAY_PORT": str(GATEWAY.port),
            "GATEWAY_STATUS_PORT": str(GATEWAY_STATUS_PORT),
            "GATEWAY_UPSTREAMS": json.dumps(upstreams),
            "GATEWAY_REDIS_URL": f"redis://127.0.0.1:{self.ports['redis']}/1",
        }

    def start(self, spec: ProcessSpec) -> None:
        supervisor.start(spec, {**self.env(), **self.overrides.get(spec.name, {})})

    def kill(self, name: str) -> int:
        """``kill -9`` the process group of the suite's ``name`` process; its pid."""
        spec = by_name(name)
        pid = supervisor.running_pid(spec)
        if pid is None or not supervisor.started_here(spec):
            raise RuntimeError(f"{name} is not a process this suite started")
        os.killpg(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while supervisor.running_pid(spec) is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        return pid

    def restart(self, name: str, timeout: float = 90) -> None:
        """Start the suite's ``name`` process (after a kill, or with new overrides) and wait until healthy."""
        spec = by_name(name)
        if supervisor.running_pid(spec) is not None:
            supervisor.stop(spec)
        self.start(spec)
        supervisor.wait_healthy([spec], timeout=timeout)

    def healthy(self) -> list[str]:
        return [spec.name for spec in MESH if supervisor.healthy(spec, timeout=5)]

    def seed(self) -> None:
        """Cinema schema, demo catalog and the demo admin, in the suite's stores."""
        result = subprocess.run(
            [sys.executable, "-m", "mesh", "seed"],
            cwd=REPO_ROOT,
            env={**os.environ, **self.env()},
            capture_output=True,
            text=True,
            timeout=240,
        )
        if result.returncode != 0:
            raise RuntimeError(f"seeding the fault suite's stores failed:\n{result.stdout}\n{result.stderr}")


def _refuse_foreign(ports: list[int]) -> None:
    foreign = [port for port in ports if answering(port)]
    if foreign:
        raise RuntimeError(
            f"fault suite: something it did not start answers on port(s) {foreign}; it runs only on its own"
        )


@contextmanager
def one_session() -> Iterator[None]:
    """This checkout's only fault-suite session: a second one (same pid files, same stores) fails at once."""
    FAULTS_DIR.mkdir(parents=True, exist_ok=True)
    with (FAULTS_DIR / "session.lock").open("a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            raise RuntimeError(
                f"another fault-suite session runs from this checkout (pid {lock.read().strip()}); "
                "wait for it to end"
            ) from None
        lock.truncate(0)
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        yield


@contextmanager
def owned_cluster() -> Iterator[Cluster]:
    """Fresh infrastructure and the whole mesh for the duration of the block, stopped afterwards."""
    with one_session():
        yield from _owned_cluster()


def _owned_cluster() -> Iterator[Cluster]:
    saved = os.environ.get("CINEMESH_STATE_DIR")
    os.environ["CINEMESH_STATE_DIR"] = str(FAULTS_DIR)  # supervisor.* finds the suite's pid files
    try:
        for spec in reversed(MESH):  # a crashed earlier run of this suite left its own processes
            supervisor.stop(spec)
        infra("wipe")  # stops only the script's own instances (pid files, data directory, node name)
        ports = infra_ports()
        _refuse_foreign([*ports.values(), *(spec.port for spec in MESH), GRPC_PORT, GATEWAY_STATUS_PORT])
        ensure_dev_keys(DEV_KEYS_DIR)
        infra("up")
        cluster = Cluster(ports)
        cluster.seed()
        try:
            for spec in MESH:
                cluster.start(spec)
            supervisor.wait_healthy(list(MESH), timeout=120)
            yield cluster
        finally:
            for spec in reversed(MESH):
                supervisor.stop(spec)
            infra("down")
    finally:
        if saved is None:
            os.environ.pop("CINEMESH_STATE_DIR", None)
        else:
            os.environ["CINEMESH_STATE_DIR"] = saved
