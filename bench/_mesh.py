"""The benchmarks' own mesh: ``python -m mesh up`` on bench stores, stopped by exactly what it started.

Stores: PostgreSQL ``cinema_bench``, MongoDB ``<service>_bench``, Redis db 13 (services and gateway
counters), emptied before every start so each run begins from the same state. Pid files and logs go
to ``.run/bench/mesh/`` (CINEMESH_STATE_DIR), so ``make down`` never stops the benchmark's processes
and the benchmark never signals a developer's. The mesh uses the usual ports (the services'
inter-service addresses are their defaults): if anything already answers on one of them the
benchmark refuses to start rather than measure, or stop, a mesh it does not own (and stops if,
after the start, a service of the mesh is not one of the processes it started).
"""

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from handlers.cinema.settings import CinemaSettings
from handlers.common.settings import REPO_ROOT, ServiceSettings
from mesh import supervisor
from mesh.processes import ALL

STATE_DIR = REPO_ROOT / ".run" / "bench"
POSTGRES = "postgresql+asyncpg://cinemesh:cinemesh@127.0.0.1:5432/cinema_bench"
FERRETDB_STORE = "postgresql://ferretdb:ferretdb@127.0.0.1:5432/ferretdb"  # FerretDB's own (infra.sh)
REDIS_DB = 13
MONGO_DBS = {"USER": "users_bench", "BOOKING": "bookings_bench", "PAYMENT": "payments_bench"}
MONGO_DBS["NOTIFICATION"] = "notifications_bench"
BENCH_ENV = {
    "CINEMESH_POSTGRES_URL": POSTGRES,
    "CINEMESH_REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
    "GATEWAY_REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
    "CINEMESH_STATE_DIR": str(STATE_DIR),
    **{f"{service}_MONGO_DB": name for service, name in MONGO_DBS.items()},
}


def mesh_ports() -> list[int]:
    return sorted({spec.port for spec in ALL} | {CinemaSettings().grpc_port})


def answering(ports: list[int]) -> list[int]:
    busy = []
    for port in ports:
        with socket.socket() as sock:
            sock.settimeout(1)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                busy.append(port)
    return busy


async def empty_stores() -> None:
    import asyncpg
    from pymongo import AsyncMongoClient
    from redis.asyncio import Redis

    admin = await asyncpg.connect("postgresql://cinemesh:cinemesh@127.0.0.1:5432/cinema")
    try:
        await admin.execute('DROP DATABASE IF EXISTS "cinema_bench" WITH (FORCE)')
        await admin.execute('CREATE DATABASE "cinema_bench"')
    finally:
        await admin.close()
    mongo: AsyncMongoClient = AsyncMongoClient(ServiceSettings().mongo_url)
    try:
        for name in MONGO_DBS.values():
            await mongo.drop_database(name)
    finally:
        await mongo.close()
    redis = Redis.from_url(BENCH_ENV["CINEMESH_REDIS_URL"])
    try:
        await redis.flushdb()
    finally:
        await redis.aclose()


@contextmanager
def owned_mesh(settings: dict[str, str] | None = None) -> Iterator[None]:
    """The whole mesh on bench stores for the duration of the block; refuses if a port is taken.
    ``settings``: environment variables for the mesh's processes on top of the bench's own."""
    busy = answering(mesh_ports())
    if busy:
        raise SystemExit(
            f"bench: something already answers on port(s) {busy}: stop it (`make down`) first; "
            "the benchmark measures only a mesh it started itself"
        )
    subprocess.run([str(REPO_ROOT / "scripts" / "infra.sh"), "up"], check=True, stdout=subprocess.DEVNULL)
    asyncio.run(empty_stores())
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
