"""The fault suite's own cluster: infrastructure and a mesh it starts, may kill, and stops.

Infrastructure comes from ``scripts/faults_infra.sh`` (PostgreSQL, FerretDB, Redis and a RabbitMQ
node on 24xxx ports, state under ``.run/faults/``); the mesh is the five services and the local
gateway (``mesh.own_mesh``), with pid files and logs under ``.run/faults/mesh/`` on ports of their
own (gateway 18000 and its metrics 18100, services 18101-18105, gRPC 18051; all moved by
``CINEMESH_FAULTS_PORT_SHIFT``, as the script's), every address given through the services'
settings (``USER_PORT``, ``BOOKING_CINEMA_URL``, ``GATEWAY_UPSTREAMS`` ...). Nothing
here signals a process this suite did not start: services by their own pid files (module and
working directory checked, as ``make down`` does), infrastructure by the script's pid files,
data directory and node name; one session per checkout at a time (``one_session``).

Timings are shortened so that a run settles within a minute: seat holds last ``HOLD_TTL_SECONDS``
(production: 600), the recovery sweep runs every 2 s and takes bookings untouched for 10 s (30 s),
the seat inventory sweeps lapsed holds every 2 s (5 s), and payment takes over a charge whose request
died after 20 s (60 s). Everything else is the services' default.
"""

import fcntl
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from handlers.common.settings import REPO_ROOT
from mesh import supervisor
from mesh.own_mesh import OwnMesh, Stores, answering
from mesh.processes import ProcessSpec

FAULTS_DIR = REPO_ROOT / ".run" / "faults"
INFRA_SCRIPT = REPO_ROOT / "scripts" / "faults_infra.sh"
INFRA = ("postgres", "mongo", "redis", "rabbitmq")
HOLD_TTL_SECONDS = 20
RECOVERY_GRACE_SECONDS = 10
PAYMENT_LEASE_SECONDS = 20
SHIFT = int(os.environ.get("CINEMESH_FAULTS_PORT_SHIFT", "0"))  # every port (scripts/faults_infra.sh too)
FAULTS = OwnMesh("fault suite", 18000 + SHIFT, FAULTS_DIR)
MESH = FAULTS.processes


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


@dataclass
class Cluster:
    """Addresses of the suite's infrastructure and mesh, and the processes' environment."""

    ports: dict[str, int]
    overrides: dict[str, dict[str, str]] = field(default_factory=dict)  # per process, set by a test

    @property
    def gateway_url(self) -> str:
        return FAULTS.gateway.url

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
        return FAULTS.notification_dir

    def env(self) -> dict[str, str]:
        stores = Stores(
            postgres_url=self.postgres_dsn.replace("postgresql://", "postgresql+asyncpg://"),
            mongo_url=self.mongo_url,
            redis_url=f"redis://127.0.0.1:{self.ports['redis']}/0",
            gateway_redis_url=f"redis://127.0.0.1:{self.ports['redis']}/1",
            amqp_url=self.amqp_url,
        )
        return FAULTS.environment(stores) | {
            "CINEMA_SWEEP_INTERVAL_SECONDS": "2",
            "PAYMENT_IDEMPOTENCY_LEASE_SECONDS": str(PAYMENT_LEASE_SECONDS),
            "BOOKING_HOLD_TTL_SECONDS": str(HOLD_TTL_SECONDS),
            "BOOKING_SWEEP_INTERVAL_SECONDS": "2",
            "BOOKING_RECOVERY_GRACE_SECONDS": str(RECOVERY_GRACE_SECONDS),
        }

    def start(self, spec: ProcessSpec) -> None:
        supervisor.start(spec, {**self.env(), **self.overrides.get(spec.name, {})})

    def kill(self, name: str) -> int:
        """``kill -9`` the process group of the suite's ``name`` process; its pid."""
        spec = FAULTS.by_name(name)
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
        spec = FAULTS.by_name(name)
        if supervisor.running_pid(spec) is not None:
            supervisor.stop(spec)
        self.start(spec)
        supervisor.wait_healthy([spec], timeout=timeout)

    def healthy(self) -> list[str]:
        return [spec.name for spec in MESH if supervisor.healthy(spec, timeout=5)]

    def seed(self) -> None:
        """Cinema schema, demo catalog and the demo admin, in the suite's stores."""
        FAULTS.seed(self.env())


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
    with FAULTS.supervised():  # the suite's pid files; its leftovers stopped, its ports free
        infra("wipe")  # stops only the script's own instances (pid files, data directory, node name)
        ports = infra_ports()
        _refuse_foreign(list(ports.values()))
        infra("up")
        cluster = Cluster(ports)
        cluster.seed()
        try:
            with FAULTS.running(cluster.env()):
                yield cluster
        finally:
            infra("down")
