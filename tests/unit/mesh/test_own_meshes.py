"""The meshes the suites start for themselves (``mesh.own_mesh``) never meet: each on ports no other
mesh uses, all of them below Linux's ephemeral range (32768-60999), where an outgoing connection can
hold a port that a listener then cannot bind (the observability tests' Prometheus on 38090 failed so
in CI). And a mesh's settings name only its own addresses."""

import json
from pathlib import Path

import pytest

from handlers.cinema.settings import CinemaSettings
from mesh import processes
from mesh.gateway.settings import GatewaySettings
from mesh.own_mesh import OwnMesh, Stores
from tests.browser.mesh import BROWSER
from tests.faults.cluster import FAULTS
from tests.observability.mesh import TRACED

pytestmark = pytest.mark.unit

EPHEMERAL_START = 32768
STORES = Stores(
    postgres_url="postgresql+asyncpg://u:p@db:1/cinema_probe",
    mongo_url="mongodb://mongo:2/",
    redis_url="redis://redis:3/4",
    gateway_redis_url="redis://redis:3/5",
    amqp_url="amqp://rabbit/probe",
)


def test_no_two_meshes_share_a_port_and_none_is_ephemeral() -> None:
    extra = [GatewaySettings().status_port, CinemaSettings().grpc_port]
    taken = {port: "make up" for port in [spec.port for spec in processes.ALL] + extra}
    for own in (BROWSER, TRACED, FAULTS):
        for port in own.ports:
            assert port < EPHEMERAL_START, f"{own.name}: port {port} is in the ephemeral range"
            assert port not in taken, f"{own.name} and {taken[port]} both use port {port}"
            taken[port] = own.name


def test_a_meshs_settings_name_its_own_ports_and_stores() -> None:
    env = OwnMesh("probe", 21000, Path("/nonexistent/probe"), portal=True).environment(STORES)
    ports = {name: env[f"{name}_PORT"] for name in ("GATEWAY", "USER", "PAYMENT", "BOOKING", "NOTIFICATION")}
    assert ports == {
        "GATEWAY": "21000",
        "USER": "21101",
        "PAYMENT": "21104",
        "BOOKING": "21103",
        "NOTIFICATION": "21105",
    }
    assert (env["CINEMA_HTTP_PORT"], env["DOCS_PORT"], env["WEB_PORT"]) == ("21102", "21106", "21107")
    assert env["GATEWAY_STATUS_PORT"] == "21100"
    assert env["CINEMA_GRPC_PORT"] == env["BOOKING_CINEMA_GRPC_PORT"] == "21051"
    assert env["BOOKING_CINEMA_URL"] == "http://127.0.0.1:21102"
    assert env["BOOKING_PAYMENT_URL"] == "http://127.0.0.1:21104"
    upstreams = {name: url.rsplit(":", 1)[1] for name, url in json.loads(env["GATEWAY_UPSTREAMS"]).items()}
    assert upstreams == {
        "user-service": "21101",
        "cinema-service": "21102",
        "booking-service": "21103",
        "payment-service": "21104",
        "docs": "21106",
        "web": "21107",
    }
    assert env["CINEMESH_POSTGRES_URL"] == STORES.postgres_url
    assert (env["CINEMESH_REDIS_URL"], env["GATEWAY_REDIS_URL"]) == ("redis://redis:3/4", "redis://redis:3/5")
    assert env["CINEMESH_STATE_DIR"] == "/nonexistent/probe"
