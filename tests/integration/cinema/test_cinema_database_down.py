"""With PostgreSQL unreachable, REST answers 503 problems and gRPC answers UNAVAILABLE (never 500/UNKNOWN)."""

import socket

import httpx
import pytest
from grpclib import GRPCError, Status

from handlers.cinema.app import create_app
from handlers.cinema.db import make_engine
from handlers.cinema.grpc_server import start_server
from handlers.cinema.inventory_client import InventoryClient
from handlers.common.service_token import ServiceToken

pytestmark = pytest.mark.integration


@pytest.fixture
def unreachable(cinema_settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return cinema_settings.model_copy(
        update={"postgres_url": f"postgresql+asyncpg://nobody:none@127.0.0.1:{port}/nothing"}
    )


async def test_rest_answers_503_problems(unreachable):
    engine = make_engine(unreachable)
    transport = httpx.ASGITransport(app=create_app(unreachable, engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://cinema.test") as api:
        for path in ("/health", "/cinemas", "/showtimes/1/seats"):
            response = await api.get(path)
            assert response.status_code == 503, path
            assert response.headers["content-type"] == "application/problem+json"
    await engine.dispose()


async def test_grpc_answers_unavailable(unreachable):
    engine = make_engine(unreachable)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = await start_server(engine, unreachable, sock=sock)
    try:
        token = ServiceToken(unreachable, "booking", audience="cinema")
        async with InventoryClient("127.0.0.1", sock.getsockname()[1], token=token) as inventory:
            with pytest.raises(GRPCError) as refused:
                await inventory.hold_seats(1, ["A-1"], "hold-1")
            assert refused.value.status == Status.UNAVAILABLE
    finally:
        server.close()
        await server.wait_closed()
        await engine.dispose()
