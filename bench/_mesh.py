"""The benchmarks' own mesh: ``python -m mesh up`` on bench stores, stopped by exactly what it started.

Unlike the test suites' meshes (``mesh.own_mesh``) it runs on the usual ports, the mesh ``make up``
runs, as a user measures it. Stores of its own (``mesh.own_mesh.shared_stores``): PostgreSQL
``cinema_bench``, MongoDB ``<service>s_bench``, Redis db 13 (services and gateway counters), emptied
before every start so each run begins from the same state; RabbitMQ's default virtual host (the
benchmarks' in-process relays publish there). Pid files and logs go to ``.run/bench/mesh/``
(CINEMESH_STATE_DIR), so ``make down`` never stops the benchmark's processes and the benchmark never
signals a developer's. If anything already answers on one of the mesh's ports the benchmark refuses
to start rather than measure, or stop, a mesh it does not own (and stops if, after the start, a
service of the mesh is not one of the processes it started).
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from handlers.cinema.settings import CinemaSettings
from handlers.common.settings import REPO_ROOT
from mesh import supervisor
from mesh.own_mesh import answering, empty_shared_stores, shared_stores
from mesh.processes import ALL

STATE_DIR = REPO_ROOT / ".run" / "bench"
FERRETDB_STORE = "postgresql://ferretdb:ferretdb@127.0.0.1:5432/ferretdb"  # FerretDB's own (infra.sh)
STORES = shared_stores("bench", redis_db=13, own_virtual_host=False)
MONGO_DBS = dict(STORES.mongo_databases)
BENCH_ENV = {
    "CINEMESH_POSTGRES_URL": STORES.postgres_url,
    "CINEMESH_REDIS_URL": STORES.redis_url,
    "GATEWAY_REDIS_URL": STORES.gateway_redis_url,
    "CINEMESH_STATE_DIR": str(STATE_DIR),
    **{f"{service.upper()}_MONGO_DB": name for service, name in MONGO_DBS.items()},
}


def mesh_ports() -> list[int]:
    return sorted({spec.port for spec in ALL} | {CinemaSettings().grpc_port})


@contextmanager
def owned_mesh(settings: dict[str, str] | None = None) -> Iterator[None]:
    """The whole mesh on bench stores for the duration of the block; refuses if a port is taken.
    ``settings``: environment variables for the mesh's processes on top of the bench's own."""
    busy = [port for port in mesh_ports() if answering(port)]
    if busy:
        raise SystemExit(
            f"bench: something already answers on port(s) {busy}: stop it (`make down`) first; "
            "the benchmark measures only a mesh it started itself"
        )
    empty_shared_stores(STORES)
    saved = os.environ.get("CINEMESH_STATE_DIR")
    os.environ["CINEMESH_STATE_DIR"] = str(STATE_DIR)  # supervisor.* finds the bench's pid files
    try:
        result = subprocess.run(
            [sys.executable, "-m", "mesh", "up", "--skip-infra"],
            cwd=REPO_ROOT,
            env={**os.environ, **BENCH_ENV, **(settings or {})},
            capture_output=True,
            text=True,
            timeout=240,
        )
        if result.returncode != 0:
            raise RuntimeError(f"bench mesh did not start:\n{result.stdout}\n{result.stderr}")
        # `mesh up` reuses a healthy service it did not start: one that came up meanwhile is foreign.
        foreign = [spec.name for spec in ALL if supervisor.running_pid(spec) is None]
        if foreign:
            raise SystemExit(f"bench: {', '.join(foreign)} answered from another mesh started meanwhile")
        yield
    finally:
        for spec in reversed(ALL):
            supervisor.stop(spec)
        if saved is None:
            os.environ.pop("CINEMESH_STATE_DIR")
        else:
            os.environ["CINEMESH_STATE_DIR"] = saved
