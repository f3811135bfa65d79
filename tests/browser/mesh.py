"""The browser suite's own mesh: started for the suite on ports of its own, stopped after it.

It never tests a mesh it did not start: not ``make up``'s (its code may predate the working tree,
and someone else may restart it), not the benchmark's, not another suite's. The five services, the
docs portal, the box office and the local gateway run from this checkout with pid files and logs
under ``.run/browser/mesh/`` (``mesh.supervisor``), on 28xxx ports (gateway 28000, services
28101-28105, docs 28106, box office 28107, gRPC 28051), every address given through the processes'
settings. They use the shared infrastructure (``scripts/infra.sh up``) with stores of their own:
PostgreSQL ``cinema_browser``, MongoDB ``<service>_browser``, Redis db 12, and the RabbitMQ virtual
host ``cinemesh_browser`` (made with ``rabbitmqctl`` when missing), so no other mesh's consumer takes
the suite's events, nor the suite's notification service theirs.

Something it did not start answering on one of its ports fails the suite; its own processes left by
a crashed earlier run (found by their pid files, module and working directory) are stopped first.
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

from handlers.common.keys import ensure_dev_keys
from handlers.common.settings import DEV_KEYS_DIR, REPO_ROOT
from mesh import supervisor
from mesh.processes import ProcessSpec

STATE_DIR = REPO_ROOT / ".run" / "browser"
VHOST = "cinemesh_browser"
GRPC_PORT = 28051
SERVICES = (
    ProcessSpec("user", "handlers.user", 28101),
    ProcessSpec("cinema", "handlers.cinema", 28102),
    ProcessSpec("payment", "handlers.payment", 28104),
    ProcessSpec("booking", "handlers.booking", 28103),
    ProcessSpec("notification", "handlers.notification", 28105),
)
DOCS = ProcessSpec("docs", "mesh.docs", 28106)
WEB = ProcessSpec("web", "mesh.web", 28107)
GATEWAY = ProcessSpec("gateway", "mesh.gateway", 28000)
ALL = (*SERVICES, DOCS, WEB, GATEWAY)
POSTGRES_URL = "postgresql+asyncpg://cinemesh:cinemesh@127.0.0.1:5432/cinema_browser"


@dataclass(frozen=True)
class Mesh:
    gateway_url: str
    started_here: bool = True


def _url(name: str) -> str:
    return next(spec.url for spec in ALL if spec.name == name)


def _environment(amqp_url: str) -> dict[str, str]:
    upstreams = {
        "user-service": _url("user"),
        "cinema-service": _url("cinema"),
        "booking-service": _url("booking"),
        "payment-service": _url("payment"),
        "docs": _url("docs"),
        "web": _url("web"),
    }
    return {
        "CINEMESH_STATE_DIR": str(STATE_DIR),
        "CINEMESH_POSTGRES_URL": POSTGRES_URL,
        "CINEMESH_REDIS_URL": "redis://127.0.0.1:6379/12",
        "CINEMESH_AMQP_URL": amqp_url,
        "CINEMESH_JWT_KEYS_DIR": str(DEV_KEYS_DIR),
        "USER_MONGO_DB": "users_browser",
        "BOOKING_MONGO_DB": "bookings_browser",
        "PAYMENT_MONGO_DB": "payments_browser",
        "NOTIFICATION_MONGO_DB": "notifications_browser",
        "USER_PORT": str(SERVICES[0].port),
        "CINEMA_HTTP_PORT": str(SERVICES[1].port),
        "CINEMA_GRPC_PORT": str(GRPC_PORT),
        "PAYMENT_PORT": str(SERVICES[2].port),
        "BOOKING_PORT": str(SERVICES[3].port),
        "BOOKING_CINEMA_URL": _url("cinema"),
        "BOOKING_CINEMA_GRPC_PORT": str(GRPC_PORT),
        "BOOKING_PAYMENT_URL": _url("payment"),
        "NOTIFICATION_PORT": str(SERVICES[4].port),
        "NOTIFICATION_OUTBOX_DIR": str(STATE_DIR / "notifications"),
        "DOCS_PORT": str(DOCS.port),
        "WEB_PORT": str(WEB.port),
        "GATEWAY_PORT": str(GATEWAY.port),
        "GATEWAY_STATUS_PORT": "0",
        "GATEWAY_UPSTREAMS": json.dumps(upstreams),
        "GATEWAY_REDIS_URL": "redis://127.0.0.1:6379/12",
    }


def _answering(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _virtual_host() -> str:
    """The AMQP URL of the suite's own virtual host; the default one where rabbitmqctl is missing."""
    default = os.environ.get("CINEMESH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    if shutil.which("rabbitmqctl") is None:
        return default
    listed = subprocess.run(["rabbitmqctl", "-q", "list_vhosts"], capture_output=True, text=True, check=True)
    if VHOST not in listed.stdout.split():
        subprocess.run(["rabbitmqctl", "-q", "add_vhost", VHOST], capture_output=True, check=True)
        permissions = ["rabbitmqctl", "-q", "set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*"]
        subprocess.run(permissions, capture_output=True, check=True)
    return f"{default.rstrip('/')}/{VHOST}"


def _prepare_stores(env: dict[str, str]) -> None:
    from handlers.cinema.db import ensure_database
    from handlers.cinema.settings import CinemaSettings

    infra = subprocess.run([str(REPO_ROOT / "scripts" / "infra.sh"), "up"], capture_output=True, text=True)
    if infra.returncode != 0:
        raise RuntimeError(f"scripts/infra.sh up failed:\n{infra.stdout}\n{infra.stderr}")
    asyncio.run(ensure_database(CinemaSettings(postgres_url=POSTGRES_URL)))
    seeded = subprocess.run(
        [sys.executable, "-m", "mesh", "seed"],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=240,
    )
    if seeded.returncode != 0:
        raise RuntimeError(f"seeding the browser suite's stores failed:\n{seeded.stdout}\n{seeded.stderr}")


@contextmanager
def own_mesh() -> Iterator[Mesh]:
    """The whole mesh for the duration of the block, on the suite's ports and stores."""
    saved = os.environ.get("CINEMESH_STATE_DIR")
    os.environ["CINEMESH_STATE_DIR"] = str(STATE_DIR)  # supervisor.* finds the suite's pid files
    try:
        for spec in reversed(ALL):  # a crashed earlier run of this suite left its own processes
            supervisor.stop(spec)
        foreign = [port for port in (*(spec.port for spec in ALL), GRPC_PORT) if _answering(port)]
        if foreign:
            raise RuntimeError(f"browser suite: something it did not start answers on port(s) {foreign}")
        ensure_dev_keys(DEV_KEYS_DIR)  # what `make keys` writes, when a fresh checkout has none yet
        env = _environment(_virtual_host())
        _prepare_stores(env)
        try:
            for spec in ALL:
                supervisor.start(spec, env)
            supervisor.wait_healthy(list(ALL), timeout=120)
            yield Mesh(GATEWAY.url)
        finally:
            for spec in reversed(ALL):
                supervisor.stop(spec)
    finally:
        if saved is None:
            os.environ.pop("CINEMESH_STATE_DIR", None)
        else:
            os.environ["CINEMESH_STATE_DIR"] = saved
