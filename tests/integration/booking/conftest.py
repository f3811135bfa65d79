"""The real mesh in-process for the booking saga: cinema (REST + gRPC on PostgreSQL
``booking_cinema_test``), payment, notification worker and booking (MongoDB ``*_booking_test``
databases), all on ephemeral loopback ports, events on the RabbitMQ vhost ``booking_test``."""

import asyncio
import socket
import subprocess
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from itertools import count

import httpx
import pytest
import uvicorn
from pymongo import AsyncMongoClient
from redis.asyncio import Redis
from sqlalchemy import make_url
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.booking.app import _real_deps
from handlers.booking.app import create_app as create_booking
from handlers.booking.deps import SagaDeps
from handlers.booking.models import Booking
from handlers.booking.settings import BookingSettings
from handlers.cinema import movies, showtimes, venues
from handlers.cinema.app import create_app as create_cinema
from handlers.cinema.db import ensure_database, make_engine
from handlers.cinema.grpc_server import start_server
from handlers.cinema.migrate import migrate
from handlers.cinema.settings import CinemaSettings
from handlers.common.doc_lock import document_lock
from handlers.common.signing import sign_token
from handlers.notification.app import create_app as create_notification
from handlers.notification.settings import NotificationSettings
from handlers.payment.app import create_app as create_payment
from handlers.payment.settings import PaymentSettings

VHOST = "booking_test"
REDIS_TEST_URL = "redis://127.0.0.1:6379/15"
SLOW_PROCESSOR_MS = 3000
_names = count(1)


def ensure_vhost(vhost: str) -> str:
    """A RabbitMQ vhost of the tests' own (never the dev one), purged of earlier runs."""
    subprocess.run(["rabbitmqctl", "delete_vhost", vhost], capture_output=True, check=False)
    subprocess.run(["rabbitmqctl", "add_vhost", vhost], capture_output=True, check=True)
    subprocess.run(
        ["rabbitmqctl", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"],
        capture_output=True,
        check=True,
    )
    return f"amqp://guest:guest@127.0.0.1:5672/{vhost}"


def free_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


async def serve(app) -> AsyncIterator[str]:
    """Serve an ASGI app with uvicorn on an ephemeral port for the duration of the fixture."""
    sock = free_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@pytest.fixture(scope="session")
async def amqp_url() -> str:
    """The vhost, and MongoDB databases emptied of earlier runs."""
    client = AsyncMongoClient(BookingSettings().mongo_url)
    for database in ("bookings_booking_test", "payments_booking_test", "notifications_booking_test"):
        await client.drop_database(database)
    await client.close()
    return ensure_vhost(VHOST)


@pytest.fixture(scope="session")
def cinema_settings() -> CinemaSettings:
    url = make_url(CinemaSettings().postgres_url).set(database="booking_cinema_test")
    return CinemaSettings(
        postgres_url=url.render_as_string(hide_password=False), environment="test", validate_responses=True
    )


@pytest.fixture(scope="session")
async def cinema_engine(cinema_settings):
    await ensure_database(cinema_settings)
    await migrate(cinema_settings)
    engine = make_engine(cinema_settings)
    async with engine.begin() as conn:  # a clean catalog per run
        tables = "holds, showtime_seats, showtimes, movies, hall_seats, halls, cinemas"
        await conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def cinema_grpc_port(cinema_engine, cinema_settings) -> AsyncIterator[int]:
    sock = free_socket()
    server = await start_server(cinema_engine, cinema_settings, sock=sock)
    yield sock.getsockname()[1]
    server.close()
    await server.wait_closed()


@pytest.fixture(scope="session")
async def cinema_url(cinema_engine, cinema_settings) -> AsyncIterator[str]:
    async for url in serve(create_cinema(cinema_settings, cinema_engine)):
        yield url


@pytest.fixture(scope="session")
async def payment_url(amqp_url) -> AsyncIterator[str]:
    settings = PaymentSettings(mongo_db="payments_booking_test", amqp_url=amqp_url, environment="test")
    async for url in serve(create_payment(settings)):
        yield url


@pytest.fixture(scope="session")
def notification_settings(amqp_url, tmp_path_factory) -> NotificationSettings:
    return NotificationSettings(
        mongo_db="notifications_booking_test",
        redis_url=REDIS_TEST_URL,
        amqp_url=amqp_url,
        outbox_dir=tmp_path_factory.mktemp("notifications"),
        dedupe_prefix=f"booking-test:{uuid.uuid4().hex}:",
        environment="test",
    )


@pytest.fixture(scope="session")
async def notification_worker(notification_settings) -> AsyncIterator[str]:
    async for url in serve(create_notification(notification_settings)):
        yield url
    await Redis.from_url(REDIS_TEST_URL).aclose()


@pytest.fixture(scope="session")
async def slow_booking_url(amqp_url, booking_settings) -> AsyncIterator[str]:
    """A booking service whose payment service's card processor takes SLOW_PROCESSOR_MS per call
    (``PAYMENT_PROCESSOR_LATENCY_MS``; its timeout raised to 10 s), so a charge stays in flight.

    Session-scoped like the others: beanie binds each model to the latest client, and closing
    this one early would leave the session's services on a closed client."""
    payment = PaymentSettings(
        mongo_db="payments_booking_test",
        amqp_url=amqp_url,
        processor_latency_ms=SLOW_PROCESSOR_MS,
        processor_timeout_seconds=10,
        outbox_relay=False,
        environment="test",
    )
    async for payment_url in serve(create_payment(payment)):
        settings = booking_settings.model_copy(update={"payment_url": payment_url, "outbox_relay": False})
        async for url in serve(create_booking(settings)):
            yield url


@pytest.fixture(scope="session")
async def payment_down_booking_url(booking_settings) -> AsyncIterator[str]:
    """A booking service whose payment service does not answer (the discard port refuses)."""
    settings = booking_settings.model_copy(
        update={"payment_url": "http://127.0.0.1:9", "http_timeout_seconds": 0.5, "outbox_relay": False}
    )
    async for url in serve(create_booking(settings)):
        yield url


@pytest.fixture(scope="session")
def booking_settings(amqp_url, cinema_url, cinema_grpc_port, payment_url) -> BookingSettings:
    return BookingSettings(
        mongo_db="bookings_booking_test",
        cinema_url=cinema_url,
        cinema_grpc_port=cinema_grpc_port,
        payment_url=payment_url,
        amqp_url=amqp_url,
        sweep_interval_seconds=3600,
        environment="test",
    )


@pytest.fixture(scope="session")
async def booking_url(booking_settings, notification_worker) -> AsyncIterator[str]:
    async for url in serve(create_booking(booking_settings)):
        yield url


def mint_token(user_id: str, role: str = "user", settings: BookingSettings | None = None) -> str:
    return sign_token(settings or BookingSettings(), user_id, role, 900)


class GraphQLClient:
    def __init__(self, url: str, token: str | None):
        self.url, self.token = f"{url}/graphql", token

    async def __call__(self, query: str, **variables) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(
                self.url, json={"query": query, "variables": variables}, headers=headers
            )
        assert response.status_code in (200, 400, 503), response.text  # 400/503: data is null
        body = response.json()
        codes = {error.get("extensions", {}).get("code") for error in body.get("errors") or []}
        assert response.status_code != 400 or "SERVICE_UNAVAILABLE" not in codes, body  # an outage: 503
        return body


@pytest.fixture
def user_id() -> str:
    return f"user-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def gql(booking_url, user_id) -> GraphQLClient:
    return GraphQLClient(booking_url, mint_token(user_id))


@pytest.fixture
async def saga_deps(booking_settings) -> AsyncIterator[SagaDeps]:
    """Saga collaborators over the real in-process cinema and payment services (for direct domain calls)."""
    async with _real_deps(booking_settings) as deps:
        yield deps


@pytest.fixture
def new_gql(booking_url) -> Callable[[], GraphQLClient]:
    """``new_gql()`` -> a client acting for a fresh user."""
    return lambda: GraphQLClient(booking_url, mint_token(f"user-{uuid.uuid4().hex[:12]}"))


@pytest.fixture
def other_gql(booking_url) -> GraphQLClient:
    return GraphQLClient(booking_url, mint_token(f"user-{uuid.uuid4().hex[:12]}"))


@pytest.fixture
def anonymous_gql(booking_url) -> GraphQLClient:
    return GraphQLClient(booking_url, None)


async def crash_into(booking_id: str, **fields) -> None:
    """Leave the booking as a crash would have (under the lock the relay's ``$pull`` also takes)."""
    async with document_lock(Booking, booking_id):
        await Booking.get_pymongo_collection().update_one({"_id": booking_id}, {"$set": fields})


@pytest.fixture
def start_showtime(cinema_engine) -> Callable[[str], Awaitable[None]]:
    """``await start_showtime(id)``: the showtime started a minute ago (cinema and its bookings agree)."""

    async def started(showtime_id: str) -> None:
        async with cinema_engine.begin() as conn:
            await conn.exec_driver_sql(
                "UPDATE showtimes SET starts_at = now() - interval '1 minute', "
                "ends_at = now() + interval '89 minutes' WHERE id = $1",
                (int(showtime_id),),
            )
        for booking in await Booking.find({"showtime_id": showtime_id}).to_list():
            await crash_into(booking.id, starts_at=datetime.now(UTC) - timedelta(minutes=1))

    return started


async def until(predicate: Callable[[], Awaitable[bool]], within: float = 10.0) -> None:
    """Wait for ``predicate()`` to hold, polling, for at most ``within`` seconds."""
    deadline = asyncio.get_running_loop().time() + within
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


ShowtimeFactory = Callable[..., Awaitable[str]]


@pytest.fixture
def make_showtime(cinema_engine) -> ShowtimeFactory:
    """A fresh showtime tomorrow in its own hall (rows A and B of 10 seats, 10.00 EUR)."""

    async def factory(base_price_minor: int = 1000) -> str:
        n = next(_names)
        rows = [{"label": "A", "seat_count": 10}, {"label": "B", "seat_count": 10}]
        async with AsyncSession(cinema_engine, expire_on_commit=False) as session:
            cinema = await venues.create_cinema(
                session, {"name": f"Booking test {n} {uuid.uuid4().hex[:6]}", "city": "T", "address": "1 St"}
            )
            hall = await venues.create_hall(
                session, {"cinema_id": cinema.id, "name": f"Hall {n}", "rows": rows}
            )
            movie = await movies.create_movie(
                session,
                {
                    "title": f"Saga {n} {uuid.uuid4().hex[:6]}",
                    "duration_minutes": 90,
                    "rating": "PG",
                    "genres": ["t"],
                },
            )
            fields = {
                "movie_id": movie.id,
                "hall_id": hall.id,
                "starts_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
                "base_price_minor": base_price_minor,
                "currency": "EUR",
            }
            return str((await showtimes.create_showtime(session, fields))["id"])

    return factory
