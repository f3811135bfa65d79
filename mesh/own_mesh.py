"""A mesh of one's own: the five services and the local gateway (with the docs portal and the box
office when asked) started from this checkout on ports, stores and a state directory of its own,
every address given through the processes' settings, and stopped by exactly what started it.

The browser suite, the observability tests and the fault suite each run one, so none of them tests,
loads or kills a mesh it did not start: not ``make up``'s (its code may predate the working tree, and
someone else may restart it), not the benchmark's, not another suite's. A mesh's ports follow
``mesh.processes`` shifted to its ``base_port``: gateway ``base``, its status port ``base + 100``,
services ``base + 101`` to ``base + 105``, docs ``base + 106``, box office ``base + 107``, gRPC
``base + 51``. Pid files and logs go under ``<state_dir>/mesh/`` (``mesh.supervisor``). Something it
did not start answering on one of its ports fails the start; its own processes left by a crashed
earlier run (found by their pid files, module and working directory) are stopped first.
"""

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from handlers.common.keys import ensure_dev_keys
from handlers.common.settings import DEV_KEYS_DIR, REPO_ROOT
from mesh import processes as standard
from mesh import supervisor
from mesh.processes import ProcessSpec

GRPC_OFFSET = 51
STATUS_OFFSET = 100
PORT_VARIABLES = {
    "user": "USER_PORT",
    "cinema": "CINEMA_HTTP_PORT",
    "payment": "PAYMENT_PORT",
    "booking": "BOOKING_PORT",
    "notification": "NOTIFICATION_PORT",
    "docs": "DOCS_PORT",
    "web": "WEB_PORT",
    "gateway": "GATEWAY_PORT",
}
MONGO_SERVICES = ("user", "booking", "payment", "notification")


@dataclass(frozen=True)
class Stores:
    """Where a mesh keeps its data: PostgreSQL (the SQLAlchemy URL of cinema's database), the MongoDB
    server and, per service, its database (none: the services' defaults), Redis for the services and
    for the gateway's counters, and RabbitMQ."""

    postgres_url: str
    mongo_url: str
    redis_url: str
    gateway_redis_url: str
    amqp_url: str
    mongo_databases: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OwnMesh:
    name: str
    base_port: int
    state_dir: Path
    portal: bool = False  # the docs portal and the box office too
    gateway_status: bool = True  # the gateway's status port (its /metrics), for Prometheus

    def _shifted(self, spec: ProcessSpec) -> ProcessSpec:
        return ProcessSpec(spec.name, spec.module, self.base_port + spec.port - standard.GATEWAY.port)

    @property
    def services(self) -> tuple[ProcessSpec, ...]:
        return tuple(self._shifted(spec) for spec in standard.SERVICES)

    @property
    def gateway(self) -> ProcessSpec:
        return self._shifted(standard.GATEWAY)

    @property
    def processes(self) -> tuple[ProcessSpec, ...]:
        """Everything it runs, in start order (the gateway last)."""
        portal = tuple(self._shifted(spec) for spec in (standard.DOCS, standard.WEB)) if self.portal else ()
        return (*self.services, *portal, self.gateway)

    def by_name(self, name: str) -> ProcessSpec:
        return next(spec for spec in self.processes if spec.name == name)

    @property
    def grpc_port(self) -> int:
        return self.base_port + GRPC_OFFSET

    @property
    def status_port(self) -> int:
        return self.base_port + STATUS_OFFSET

    @property
    def ports(self) -> list[int]:
        return [*(spec.port for spec in self.processes), self.grpc_port, self.status_port]

    @property
    def notification_dir(self) -> Path:
        return self.state_dir / "notifications"

    def environment(self, stores: Stores) -> dict[str, str]:
        """The processes' settings: every address of this mesh and of ``stores``."""
        url = {spec.name: spec.url for spec in self.processes}
        upstreams = {f"{name}-service": url[name] for name in ("user", "cinema", "booking", "payment")}
        if self.portal:
            upstreams |= {"docs": url["docs"], "web": url["web"]}
        return {
            "CINEMESH_STATE_DIR": str(self.state_dir),
            "CINEMESH_POSTGRES_URL": stores.postgres_url,
            "CINEMESH_MONGO_URL": stores.mongo_url,
            "CINEMESH_REDIS_URL": stores.redis_url,
            "CINEMESH_AMQP_URL": stores.amqp_url,
            "CINEMESH_JWT_KEYS_DIR": str(DEV_KEYS_DIR),
            **{f"{name.upper()}_MONGO_DB": database for name, database in stores.mongo_databases.items()},
            **{PORT_VARIABLES[spec.name]: str(spec.port) for spec in self.processes},
            "CINEMA_GRPC_PORT": str(self.grpc_port),
            "BOOKING_CINEMA_URL": url["cinema"],
            "BOOKING_CINEMA_GRPC_PORT": str(self.grpc_port),
            "BOOKING_PAYMENT_URL": url["payment"],
            "NOTIFICATION_OUTBOX_DIR": str(self.notification_dir),
            "GATEWAY_STATUS_PORT": str(self.status_port if self.gateway_status else 0),
            "GATEWAY_UPSTREAMS": json.dumps(upstreams),
            "GATEWAY_REDIS_URL": stores.gateway_redis_url,
        }

    @contextmanager
    def supervised(self) -> Iterator[None]:
        """``mesh.supervisor`` on this mesh's pid files for the block; its leftovers stopped first,
        and nothing else may answer on its ports."""
        saved = os.environ.get("CINEMESH_STATE_DIR")
        os.environ["CINEMESH_STATE_DIR"] = str(self.state_dir)
        try:
            for spec in reversed(self.processes):
                supervisor.stop(spec)
            if foreign := [port for port in self.ports if answering(port)]:
                raise RuntimeError(f"{self.name}: something it did not start answers on port(s) {foreign}")
            ensure_dev_keys(DEV_KEYS_DIR)  # what `make keys` writes, when a fresh checkout has none yet
            yield
        finally:
            if saved is None:
                os.environ.pop("CINEMESH_STATE_DIR", None)
            else:
                os.environ["CINEMESH_STATE_DIR"] = saved

    @contextmanager
    def running(self, env: Mapping[str, str]) -> Iterator[None]:
        """Every process started with ``env`` and healthy for the block, stopped after (in ``supervised``)."""
        try:
            for spec in self.processes:
                supervisor.start(spec, dict(env))
            supervisor.wait_healthy(list(self.processes), timeout=120)
            yield
        finally:
            for spec in reversed(self.processes):
                supervisor.stop(spec)

    def seed(self, env: Mapping[str, str]) -> None:
        """Cinema schema, demo catalog and the demo accounts, in this mesh's stores."""
        seeded = subprocess.run(
            [sys.executable, "-m", "mesh", "seed"],
            cwd=REPO_ROOT,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=240,
        )
        if seeded.returncode != 0:
            raise RuntimeError(f"seeding {self.name}'s stores failed:\n{seeded.stdout}\n{seeded.stderr}")


def answering(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def shared_stores(suffix: str, redis_db: int, own_virtual_host: bool = True) -> Stores:
    """Stores of their own on the shared infrastructure (``scripts/infra.sh``): PostgreSQL
    ``cinema_<suffix>``, MongoDB ``<service>s_<suffix>``, Redis db ``redis_db`` and the RabbitMQ
    virtual host ``cinemesh_<suffix>`` (so no other mesh's notification worker takes their events;
    without ``own_virtual_host``, the default one)."""
    from handlers.common.settings import ServiceSettings

    settings = ServiceSettings()
    redis_url = f"{settings.redis_url.rsplit('/', 1)[0]}/{redis_db}"
    amqp_url = (
        _virtual_host(settings.amqp_url, f"cinemesh_{suffix}") if own_virtual_host else settings.amqp_url
    )
    return Stores(
        postgres_url=f"{settings.postgres_url.rsplit('/', 1)[0]}/cinema_{suffix}",
        mongo_url=settings.mongo_url,
        redis_url=redis_url,
        gateway_redis_url=redis_url,
        amqp_url=amqp_url,
        mongo_databases={name: f"{name}s_{suffix}" for name in MONGO_SERVICES},
    )


def _virtual_host(amqp_url: str, vhost: str) -> str:
    """The AMQP URL of ``vhost`` (made when missing); ``amqp_url`` itself where rabbitmqctl is missing."""
    if shutil.which("rabbitmqctl") is None:
        return amqp_url
    listed = subprocess.run(["rabbitmqctl", "-q", "list_vhosts"], capture_output=True, text=True, check=True)
    if vhost not in listed.stdout.split():
        subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], capture_output=True, check=True)
        permissions = ["rabbitmqctl", "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"]
        subprocess.run(permissions, capture_output=True, check=True)
    return f"{amqp_url.rstrip('/')}/{vhost}"


def empty_shared_stores(stores: Stores) -> None:
    """Infrastructure up (``scripts/infra.sh up``), then ``stores`` emptied: cinema's database made
    anew, the services' MongoDB databases dropped, the Redis database flushed."""
    infra = subprocess.run([str(REPO_ROOT / "scripts" / "infra.sh"), "up"], capture_output=True, text=True)
    if infra.returncode != 0:
        raise RuntimeError(f"scripts/infra.sh up failed:\n{infra.stdout}\n{infra.stderr}")
    asyncio.run(_empty(stores))


async def _empty(stores: Stores) -> None:
    import asyncpg  # type: ignore[import-untyped]
    from pymongo import AsyncMongoClient
    from redis.asyncio import Redis

    server, database = stores.postgres_url.replace("postgresql+asyncpg://", "postgresql://").rsplit("/", 1)
    admin = await asyncpg.connect(f"{server}/postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{database}"')
    finally:
        await admin.close()
    mongo: AsyncMongoClient = AsyncMongoClient(stores.mongo_url)
    try:
        for name in stores.mongo_databases.values():
            await mongo.drop_database(name)
    finally:
        await mongo.close()
    redis = Redis.from_url(stores.redis_url)
    try:
        await redis.flushdb()
    finally:
        await redis.aclose()
