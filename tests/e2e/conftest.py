"""The whole mesh for the e2e suite: reuse a running one, or start one on e2e databases and stop it after.

* A mesh whose gateway and five services already answer on their ports, started by ``make up``
  from this checkout (pid files under ``.run/mesh`` and the processes' working directory), is
  reused as it is and left running (the tests only add fresh users, a fresh showtime and bookings
  on it). Any process answering on those ports that this checkout did not start (another
  checkout's mesh, the benchmark's) fails the suite instead of being tested.
* Otherwise the fixture runs ``python -m mesh up`` with its own stores — PostgreSQL database
  ``cinema_e2e``, MongoDB databases ``<service>_e2e``, Redis db 14 (services and gateway
  counters) — and stops exactly the processes it started when the e2e module is done (module
  scope, so no service keeps consuming shared RabbitMQ queues while other suites run).
  Ports are the usual ones (the services' inter-service addresses are their defaults).
"""

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from handlers.common.settings import REPO_ROOT
from mesh import journey, supervisor
from mesh.processes import ALL, GATEWAY_URL
from mesh.seed import DEMO_ADMIN

E2E_ENV = {
    "CINEMESH_POSTGRES_URL": "postgresql+asyncpg://cinemesh:cinemesh@127.0.0.1:5432/cinema_e2e",
    "CINEMESH_REDIS_URL": "redis://127.0.0.1:6379/14",
    "GATEWAY_REDIS_URL": "redis://127.0.0.1:6379/14",
    "USER_MONGO_DB": "users_e2e",
    "BOOKING_MONGO_DB": "bookings_e2e",
    "PAYMENT_MONGO_DB": "payments_e2e",
    "NOTIFICATION_MONGO_DB": "notifications_e2e",
}


@dataclass
class Mesh:
    gateway_url: str
    started_here: bool


async def _create_database(name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect("postgresql://cinemesh:cinemesh@127.0.0.1:5432/cinema")
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


def _answering() -> list:
    return [spec for spec in ALL if supervisor.healthy(spec, timeout=5)]


@pytest.fixture(scope="module")
def mesh() -> Iterator[Mesh]:
    already = _answering()
    if 0 < len(already) < len(ALL):  # a busy machine can make one health check slow: look again
        time.sleep(3)
        already = _answering()
    foreign = [spec.name for spec in already if not supervisor.started_here(spec)]
    if foreign:  # another checkout's mesh, the benchmark's, or one in an unknown state: never test it
        pytest.fail(
            f"{', '.join(foreign)} answer on the mesh's ports but were not started by `make up` from "
            f"{REPO_ROOT}: stop them (their own `make down`, or the benchmark) and run again"
        )
    if len(already) == len(ALL):
        yield Mesh(GATEWAY_URL, started_here=False)
        return
    if already:
        names = ", ".join(spec.name for spec in already)
        pytest.fail(f"a partial mesh is running ({names}): run `make down` or `make up` first")
    subprocess.run([str(REPO_ROOT / "scripts" / "infra.sh"), "up"], check=True, stdout=subprocess.DEVNULL)
    asyncio.run(_create_database("cinema_e2e"))
    env = {**os.environ, **E2E_ENV}
    result = subprocess.run(
        [sys.executable, "-m", "mesh", "up", "--skip-infra"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    try:
        assert result.returncode == 0, f"mesh up failed:\n{result.stdout}\n{result.stderr}"
        yield Mesh(GATEWAY_URL, started_here=True)
    finally:
        for spec in reversed(ALL):
            supervisor.stop(spec)


@pytest.fixture(scope="module")
def gateway(mesh) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mesh.gateway_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def admin_token(gateway) -> str:
    return journey.log_in(gateway, DEMO_ADMIN.email, DEMO_ADMIN.password)


@pytest.fixture(scope="module")
def fresh_showtime(gateway, admin_token) -> dict:
    """A showtime nobody else books: scheduled by the admin through the gateway, far in the future."""
    return journey.schedule_fresh_showtime(gateway, admin_token)


@pytest.fixture
def new_user(gateway):
    def make() -> tuple[dict, str]:
        user = journey.register(gateway)
        return user, journey.log_in(gateway, user["email"], user["password"])

    return make
