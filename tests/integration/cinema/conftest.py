"""Cinema integration fixtures: the real PostgreSQL database ``cinema_test`` (never the dev one).

Nothing is truncated: every test builds its own cinema, hall, movie and showtime, so test
sessions (even concurrent ones) never disturb each other.
"""

import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.cinema import movies, showtimes, venues
from handlers.cinema.db import ensure_database, make_engine
from handlers.cinema.grpc_server import start_server
from handlers.cinema.inventory_client import InventoryClient
from handlers.cinema.migrate import migrate
from handlers.cinema.settings import CinemaSettings
from handlers.common.service_token import ServiceToken
from handlers.common.signing import sign_token

_names = count(1)


@pytest.fixture(scope="session")
def cinema_settings() -> CinemaSettings:
    url = make_url(CinemaSettings().postgres_url).set(database="cinema_test")
    return CinemaSettings(
        postgres_url=url.render_as_string(hide_password=False),
        environment="test",
        db_pool_size=20,
        validate_responses=True,
    )


@pytest.fixture(scope="session")
async def cinema_engine(cinema_settings: CinemaSettings) -> AsyncIterator[AsyncEngine]:
    await ensure_database(cinema_settings)
    await migrate(cinema_settings)
    engine = make_engine(cinema_settings)
    yield engine
    await engine.dispose()


ShowtimeFactory = Callable[..., Awaitable[int]]


@pytest.fixture
def make_showtime(cinema_engine: AsyncEngine) -> ShowtimeFactory:
    """A fresh showtime in its own hall; ``rows`` is a hall layout (default 2 rows of 10)."""

    async def factory(rows: list[dict] | None = None, base_price_minor: int = 1000) -> int:
        n = next(_names)
        rows = rows or [{"label": "A", "seat_count": 10}, {"label": "B", "seat_count": 10, "kind": "premium"}]
        async with AsyncSession(cinema_engine, expire_on_commit=False) as session:
            cinema = await venues.create_cinema(
                session, {"name": f"Test {n}", "city": "Testing", "address": "1 Test St"}
            )
            hall = await venues.create_hall(
                session, {"cinema_id": cinema.id, "name": f"Hall {n}", "rows": rows}
            )
            movie = await movies.create_movie(
                session, {"title": f"Movie {n}", "duration_minutes": 100, "rating": "PG", "genres": ["test"]}
            )
            starts_at = (datetime.now(UTC) + timedelta(days=1)).isoformat()
            fields = {
                "movie_id": movie.id,
                "hall_id": hall.id,
                "starts_at": starts_at,
                "base_price_minor": base_price_minor,
                "currency": "EUR",
            }
            return (await showtimes.create_showtime(session, fields))["id"]

    return factory


@pytest.fixture
async def inventory_port(cinema_engine: AsyncEngine, cinema_settings: CinemaSettings) -> AsyncIterator[int]:
    """The port of an in-process grpclib seat inventory server (ephemeral)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = await start_server(cinema_engine, cinema_settings, sock=sock)
    yield sock.getsockname()[1]
    server.close()
    await server.wait_closed()


@pytest.fixture
async def inventory(inventory_port: int, cinema_settings: CinemaSettings) -> AsyncIterator[InventoryClient]:
    """A client of that server, calling with a valid token."""
    token = ServiceToken(cinema_settings, "booking", audience="cinema")
    async with InventoryClient("127.0.0.1", inventory_port, timeout_seconds=60, token=token) as client:
        yield client


@pytest.fixture
def bearer(cinema_settings: CinemaSettings) -> Callable[[str], dict[str, str]]:
    """Authorization headers with a valid token of the given role."""

    def headers(role: str = "admin") -> dict[str, str]:
        return {"Authorization": f"Bearer {sign_token(cinema_settings, f'{role}-1', role, 600)}"}

    return headers
