"""The observability tests' own traced mesh: started for them on ports of their own, stopped after.

The five services and the local gateway run from this checkout with ``CINEMESH_TRACING=on`` (every
trace kept, spans written every 200 ms to ``.run/observability/traces/``), pid files and logs under
``.run/observability/mesh/``, on 26xxx ports (gateway 26000 and its status port 26100, services
26101-26105, gRPC 26051). Stores of their own, emptied at every start: PostgreSQL
``cinema_observability``, MongoDB ``<service>_observability``, Redis db 10 and the RabbitMQ virtual
host ``cinemesh_observability`` (so no other mesh's notification worker takes these events).
Something this module did not start answering on one of those ports fails the tests; its own
processes left by a crashed earlier run are stopped first.
"""

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from handlers.common.settings import REPO_ROOT
from mesh import supervisor
from mesh.processes import ProcessSpec

STATE_DIR = REPO_ROOT / ".run" / "observability"
TRACE_DIR = STATE_DIR / "traces"
VHOST = "cinemesh_observability"
SUFFIX = "observability"
GRPC_PORT = 26051
STATUS_PORT = 26100
SERVICES = (
    ProcessSpec("user", "handlers.user", 26101),
    ProcessSpec("cinema", "handlers.cinema", 26102),
    ProcessSpec("payment", "handlers.payment", 26104),
    ProcessSpec("booking", "handlers.booking", 26103),
    ProcessSpec("notification", "handlers.notification", 26105),
)
GATEWAY = ProcessSpec("gateway", "mesh.gateway", 26000)
ALL = (*SERVICES, GATEWAY)
POSTGRES = "postgresql://cinemesh:cinemesh@127.0.0.1:5432"
MONGO_DBS = {name: f"{name}s_{SUFFIX}" for name in ("user", "booking", "payment", "notification")}
REDIS_URL = "redis://127.0.0.1:6379/10"


@dataclass(frozen=True)
class TracedMesh:
    gateway_url: str
    status_url: str
    trace_dir: Path
    services: tuple[ProcessSpec, ...]


def _url(name: str) -> str:
    return next(spec.url for spec in ALL if spec.name == name)


def _environment(amqp_url: str) -> dict[str, str]:
    upstreams = {f"{name}-service": _url(name) for name in ("user", "cinema", "booking", "payment")}
    ports = {spec.name: str(spec.port) for spec in ALL}
    return {
        "CINEMESH_STATE_DIR": str(STATE_DIR),
        "CINEMESH_TRACING": "on",
        "CINEMESH_TRACE_SAMPLE_RATIO": "1",
        "CINEMESH_TRACE_DIR": str(TRACE_DIR),
        "CINEMESH_TRACE_FLUSH_MS": "200",
        "CINEMESH_POSTGRES_URL": f"postgresql+asyncpg://cinemesh:cinemesh@127.0.0.1:5432/cinema_{SUFFIX}",
        "CINEMESH_REDIS_URL": REDIS_URL,
        "CINEMESH_AMQP_URL": amqp_url,
        **{f"{name.upper()}_MONGO_DB": database for name, database in MONGO_DBS.items()},
        "USER_PORT": ports["user"],
        "CINEMA_HTTP_PORT": ports["cinema"],
        "CINEMA_GRPC_PORT": str(GRPC_PORT),
        "PAYMENT_PORT": ports["payment"],
        "BOOKING_PORT": ports["booking"],
        "BOOKING_CINEMA_URL": _url("cinema"),
        "BOOKING_CINEMA_GRPC_PORT": str(GRPC_PORT),
        "BOOKING_PAYMENT_URL": _url("payment"),
        "NOTIFICATION_PORT": ports["notification"],
        "NOTIFICATION_OUTBOX_DIR": str(STATE_DIR / "notifications"),
        "GATEWAY_PORT": ports["gateway"],
        "GATEWAY_STATUS_PORT": str(STATUS_PORT),
        "GATEWAY_UPSTREAMS": json.dumps(upstreams),
        "GATEWAY_REDIS_URL": REDIS_URL,
    }


def _answering(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _virtual_host() -> str:
    default = os.environ.get("CINEMESH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    listed = subprocess.run(["rabbitmqctl", "-q", "list_vhosts"], capture_output=True, text=True, check=True)
    if VHOST not in listed.stdout.split():
        subprocess.run(["rabbitmqctl", "-q", "add_vhost", VHOST], capture_output=True, check=True)
        permissions = ["rabbitmqctl", "-q", "set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*"]
        subprocess.run(permissions, capture_output=True, check=True)
    return f"{default.rstrip('/')}/{VHOST}"


async def _empty_stores() -> None:
    import asyncpg
    from pymongo import AsyncMongoClient
    from redis.asyncio import Redis

    from handlers.common.settings import ServiceSettings

    admin = await asyncpg.connect(f"{POSTGRES}/cinema")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "cinema_{SUFFIX}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "cinema_{SUFFIX}"')
    finally:
        await admin.close()
    mongo: AsyncMongoClient = AsyncMongoClient(ServiceSettings().mongo_url)
    try:
        for database in MONGO_DBS.values():
            await mongo.drop_database(database)
    finally:
        await mongo.close()
    redis = Redis.from_url(REDIS_URL)
    try:
        await redis.flushdb()
    finally:
        await redis.aclose()


def _prepare(env: dict[str, str]) -> None:
    infra = subprocess.run([str(REPO_ROOT / "scripts" / "infra.sh"), "up"], capture_output=True, text=True)
    if infra.returncode != 0:
        raise RuntimeError(f"scripts/infra.sh up failed:\n{infra.stdout}\n{infra.stderr}")
    asyncio.run(_empty_stores())
    shutil.rmtree(TRACE_DIR, ignore_errors=True)
    seeded = subprocess.run(
        [sys.executable, "-m", "mesh", "seed"],
        cwd=REPO_ROOT,
        env={**os.environ, **env, "CINEMESH_TRACING": "off"},
        capture_output=True,
        text=True,
        timeout=240,
    )
    if seeded.returncode != 0:
        raise RuntimeError(f"seeding the observability stores failed:\n{seeded.stdout}\n{seeded.stderr}")


@contextmanager
def traced_mesh() -> Iterator[TracedMesh]:
    """The traced mesh for the duration of the block, on these tests' ports and stores."""
    saved = os.environ.get("CINEMESH_STATE_DIR")
    os.environ["CINEMESH_STATE_DIR"] = str(STATE_DIR)  # supervisor.* finds these tests' pid files
    try:
        for spec in reversed(ALL):  # a crashed earlier run left its own processes
            supervisor.stop(spec)
        ports = (*(spec.port for spec in ALL), GRPC_PORT, STATUS_PORT)
        if foreign := [port for port in ports if _answering(port)]:
            raise RuntimeError(f"observability tests: something they did not start answers on {foreign}")
        env = _environment(_virtual_host())
        _prepare(env)
        try:
            for spec in ALL:
                supervisor.start(spec, env)
            supervisor.wait_healthy(list(ALL), timeout=120)
            yield TracedMesh(GATEWAY.url, f"http://127.0.0.1:{STATUS_PORT}", TRACE_DIR, SERVICES)
        finally:
            for spec in reversed(ALL):
                supervisor.stop(spec)
    finally:
        if saved is None:
            os.environ.pop("CINEMESH_STATE_DIR", None)
        else:
            os.environ["CINEMESH_STATE_DIR"] = saved
