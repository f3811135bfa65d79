"""Hostile bodies straight at each service (no gateway in front): every one is refused before it is
parsed, with a problem+json (REST) or a GraphQL error (booking), never a 5xx, and nothing is stored.

Each REST case is a valid write with one poisoned member added: a 400-level nesting (2.4 KB, the
measured RecursionError), a 3,000-level one (deeper than the JSON decoder's own recursion), a
5,000-digit integer (over Python's int-from-str limit) and a 1 MiB body (over the 64 KiB limit).
"""

import asyncio
import dataclasses
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pymongo import AsyncMongoClient
from sqlalchemy import make_url, text

from handlers.booking.app import create_app as create_booking
from handlers.booking.deps import SagaDeps
from handlers.booking.models import Booking
from handlers.booking.ports import HeldSeats
from handlers.booking.settings import BookingSettings
from handlers.cinema.app import create_app as create_cinema
from handlers.cinema.db import ensure_database, make_engine
from handlers.cinema.migrate import migrate
from handlers.cinema.settings import CinemaSettings
from handlers.common.signing import sign_service_token, sign_token
from handlers.payment.app import connect as connect_payment
from handlers.payment.app import create_app as create_payment
from handlers.payment.settings import PaymentSettings
from handlers.user.app import connect as connect_user
from handlers.user.app import create_app as create_user
from handlers.user.settings import UserSettings
from tests.integration.mongo_databases import emptied_database

pytestmark = [pytest.mark.security, pytest.mark.integration]

POISONS = {
    "nested-400": '{"a":' * 400 + "1" + "}" * 400,
    "nested-3000": "[" * 3000 + "]" * 3000,
    "integer-5000-digits": "9" * 5000,
}
OVERSIZED = 1024 * 1024


def poisoned(valid: dict, field: str, poison: str) -> bytes:
    """``valid`` as JSON with the value of ``field`` replaced by ``poison`` (raw JSON text)."""
    return json.dumps({**valid, field: "<poison>"}).replace('"<poison>"', poison).encode()


def oversized(valid: dict) -> bytes:
    return json.dumps({**valid, "x": " " * OVERSIZED}).encode()


def assert_refused_as_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status and problem["detail"]
    for echo in ("99999", '{"a":{"a"', "{'a': {'a'", "[[[[[["):
        assert echo not in response.text


@dataclass
class Target:
    """One write operation of a REST service, and how to tell whether anything was stored."""

    client: httpx.AsyncClient
    path: str
    headers: Callable[[], dict[str, str]]
    valid: Callable[[], dict]
    stored: Callable[[dict], Awaitable[int]]
    field: str


def asgi_client(app, name: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url=f"http://{name}.test", timeout=30)


@pytest.fixture(scope="module")
async def user_target() -> AsyncIterator[Target]:
    settings = UserSettings(mongo_db="users_security_test", validate_responses=True, outbox_relay=False)
    async for database in emptied_database(lambda: connect_user(settings), settings.mongo_db):
        async with asgi_client(create_user(settings), "user") as client:
            yield Target(
                client,
                "/users",
                dict,
                lambda: (
                    {"email": f"x{uuid.uuid4().hex[:10]}@example.com", "password": "correct-horse-42"}
                    | {"name": "Mallory"}
                ),
                lambda body, users=database.users: users.count_documents({"email": body["email"]}),
                "name",
            )


@pytest.fixture(scope="module")
async def payment_target() -> AsyncIterator[Target]:
    settings = PaymentSettings(mongo_db="payments_security_test", validate_responses=True, outbox_relay=False)
    token = sign_service_token(settings, "booking", "payment", 900)
    async for database in emptied_database(lambda: connect_payment(settings), settings.mongo_db):
        async with asgi_client(create_payment(settings), "payment") as client:
            yield Target(
                client,
                "/payments",
                lambda: {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
                lambda: {
                    "amount": 2400,
                    "currency": "EUR",
                    "payment_token": "tok_visa_success",
                    "booking_id": f"bkg_{uuid.uuid4().hex}",
                    "user_id": "usr_mallory",
                },
                lambda body, payments=database.payments: payments.count_documents(
                    {"booking_id": body["booking_id"]}
                ),
                "payment_token",
            )


@pytest.fixture(scope="module")
async def cinema_target() -> AsyncIterator[Target]:
    url = make_url(CinemaSettings().postgres_url).set(database="cinema_test")
    settings = CinemaSettings(
        postgres_url=url.render_as_string(hide_password=False), environment="test", validate_responses=True
    )
    await ensure_database(settings)
    await migrate(settings)
    engine = make_engine(settings)
    token = sign_token(settings, "admin-1", "admin", 600)

    async def stored(body: dict) -> int:
        async with engine.connect() as conn:
            query = text("SELECT count(*) FROM movies WHERE title = :title")
            return (await conn.execute(query, {"title": body["title"]})).scalar_one()

    async with asgi_client(create_cinema(settings, engine), "cinema") as client:
        yield Target(
            client,
            "/movies",
            lambda: {"Authorization": f"Bearer {token}"},
            lambda: {"title": f"Poison {uuid.uuid4().hex}", "duration_minutes": 100, "rating": "PG"},
            stored,
            "genres",
        )
    await engine.dispose()


@pytest.fixture(params=["user", "payment", "cinema"])
def target(request) -> Target:
    return request.getfixturevalue(f"{request.param}_target")


@pytest.mark.parametrize("poison", POISONS)
async def test_rest_refuses_a_crafted_body_before_parsing_it(target, poison):
    valid = target.valid()
    response = await target.client.post(
        target.path,
        content=poisoned(valid, target.field, POISONS[poison]),
        headers={**target.headers(), "Content-Type": "application/json"},
    )
    assert_refused_as_problem(response, 400)
    assert await target.stored(valid) == 0


async def test_rest_refuses_an_oversized_body_with_413(target):
    valid = target.valid()
    response = await target.client.post(
        target.path,
        content=oversized(valid),
        headers={**target.headers(), "Content-Type": "application/json"},
    )
    assert_refused_as_problem(response, 413)
    assert await target.stored(valid) == 0


async def test_rest_still_accepts_a_valid_write(target):
    valid = target.valid()
    response = await target.client.post(target.path, json=valid, headers=target.headers())
    assert response.status_code == 201, response.text
    assert await target.stored(valid) == 1


# --- GraphQL (booking) --------------------------------------------------------------------------

CREATE = """mutation($showtimeId: ID!, $seatIds: [ID!]!, $key: String!) {
  createBooking(showtimeId: $showtimeId, seatIds: $seatIds, idempotencyKey: $key) {
    booking { id } error { code } } }"""


class SlowCatalog:
    """A catalog with the latency of a real call; ``stalled`` makes ``movies`` wait until released."""

    def __init__(self):
        self.stalled = asyncio.Event()
        self.release = asyncio.Event()

    async def movies(self):
        if self.stalled.is_set():
            await self.release.wait()
        await asyncio.sleep(0.005)
        return [{"id": "1", "title": "Encore", "duration_minutes": 90, "rating": "G"}]

    async def showtimes(self, filters):
        return []

    async def showtime(self, showtime_id):
        starts_at = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        return {"id": showtime_id, "movie_id": "1", "starts_at": starts_at, "movie_title": "Encore"}


class RecordingInventory:
    """Records holds; while ``gate`` is set to an unset event, a hold waits for it."""

    def __init__(self):
        self.holds: list[str] = []
        self.gate: asyncio.Event | None = None

    async def hold(self, showtime_id, seat_ids, hold_id, ttl_seconds):
        if self.gate is not None:
            await self.gate.wait()
        self.holds.append(hold_id)
        until = datetime.now(UTC) + timedelta(seconds=ttl_seconds)
        return HeldSeats(hold_id, seat_ids, until, 1000 * len(seat_ids), "EUR")

    async def release(self, hold_id):
        return None


def saga_deps(**used) -> SagaDeps:
    """The saga's collaborators: those a test uses, None for the others."""
    unused = {
        field.name: None for field in dataclasses.fields(SagaDeps) if field.default is dataclasses.MISSING
    }
    return SagaDeps(**(unused | used))


@dataclass
class BookingTarget:
    client: httpx.AsyncClient
    catalog: SlowCatalog
    inventory: RecordingInventory
    token: str


@pytest.fixture(scope="module")
async def booking() -> AsyncIterator[BookingTarget]:
    settings = BookingSettings(
        mongo_db="bookings_security_test",
        outbox_relay=False,
        sweep_interval_seconds=3600,
        environment="test",
        request_deadline_seconds=0.5,
    )
    mongo = AsyncMongoClient(settings.mongo_url)
    await mongo.drop_database(settings.mongo_db)
    await mongo.close()
    catalog, inventory = SlowCatalog(), RecordingInventory()
    app = create_booking(settings, deps=saga_deps(inventory=inventory, catalog=catalog))
    async with app.router.lifespan_context(app), asgi_client(app, "booking") as client:
        yield BookingTarget(client, catalog, inventory, sign_token(settings, "usr_mallory", "user", 900))


async def post_graphql(booking: BookingTarget, body: bytes) -> httpx.Response:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {booking.token}"}
    return await booking.client.post("/graphql", content=body, headers=headers)


def error_codes(response: httpx.Response) -> list[str]:
    assert response.headers["content-type"].startswith("application/json"), response.text[:300]
    return [error.get("extensions", {}).get("code") for error in response.json().get("errors", [])]


def create_booking_request(key: str) -> dict:
    return {"query": CREATE, "variables": {"showtimeId": "7", "seatIds": ["A-1"], "key": key}}


@pytest.mark.parametrize("poison", POISONS)
async def test_graphql_refuses_a_crafted_body_before_running_it(booking, poison):
    key = uuid.uuid4().hex
    response = await post_graphql(
        booking, poisoned(create_booking_request(key), "extensions", POISONS[poison])
    )
    assert response.status_code == 400
    assert error_codes(response) == ["BAD_USER_INPUT"]
    assert "99999" not in response.text
    assert booking.inventory.holds == []
    assert await Booking.find_one({"idempotency_key": key}) is None


async def test_graphql_refuses_an_oversized_body_with_413(booking):
    key = uuid.uuid4().hex
    response = await post_graphql(booking, oversized(create_booking_request(key)))
    assert response.status_code == 413
    assert error_codes(response) == ["BAD_USER_INPUT"]
    assert booking.inventory.holds == []
    assert await Booking.find_one({"idempotency_key": key}) is None


async def test_graphql_refuses_multipart_bodies_the_scan_cannot_see_into(booking):
    key = uuid.uuid4().hex
    operations = poisoned(create_booking_request(key), "extensions", POISONS["nested-3000"]).decode()
    response = await booking.client.post(
        "/graphql",
        files={"operations": (None, operations), "map": (None, "{}")},
        headers={"Authorization": f"Bearer {booking.token}"},
    )
    assert response.status_code == 400
    assert booking.inventory.holds == []
    assert await Booking.find_one({"idempotency_key": key}) is None


async def test_graphql_refuses_a_thousand_aliases_quickly_and_keeps_answering(booking):
    aliases = " ".join(f"m{i}: movies {{ id title }}" for i in range(1000))
    started = time.monotonic()
    flood = asyncio.create_task(post_graphql(booking, json.dumps({"query": f"{{ {aliases} }}"}).encode()))
    normal = await post_graphql(booking, json.dumps({"query": "{ movies { id } }"}).encode())
    assert normal.status_code == 200 and normal.json()["data"]["movies"] == [{"id": "1"}]
    refused = await flood
    assert time.monotonic() - started < 1.0
    assert "data" not in refused.json() or refused.json()["data"] is None
    assert error_codes(refused) == ["GRAPHQL_VALIDATION_FAILED"]


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("{ " + " ".join(f"t{i}: __typename" for i in range(21)) + " }", "aliased fields"),
        (
            "{ showtimes { movie { id } } " + " ".join(f"s{i}: showtimes {{ id }}" for i in range(15)) + " }",
            "cost",
        ),
        ("{ __schema { types { fields { type { " + "ofType { " * 16 + "name" + " }" * 20 + " }", "deeper"),
    ],
    ids=["aliases", "costly", "deep"],
)
async def test_graphql_refuses_costly_and_deep_queries(booking, query, reason):
    response = await post_graphql(booking, json.dumps({"query": query}).encode())
    assert error_codes(response) == ["GRAPHQL_VALIDATION_FAILED"]
    assert reason in response.json()["errors"][0]["message"]
    assert "data" not in response.json() or response.json()["data"] is None


async def test_graphql_answers_a_stalled_query_at_its_deadline(booking):
    booking.catalog.stalled.set()
    try:
        started = time.monotonic()
        query = json.dumps({"query": "{ movies { id } }"}).encode()
        response = await asyncio.wait_for(post_graphql(booking, query), 5)
        assert time.monotonic() - started < 2.0
        assert response.status_code == 503 and response.headers["retry-after"]
        assert error_codes(response) == ["DEADLINE_EXCEEDED"]
    finally:
        booking.catalog.stalled.clear()
        booking.catalog.release.set()
    after = await post_graphql(booking, json.dumps({"query": "{ movies { id } }"}).encode())
    assert after.json()["data"]["movies"] == [{"id": "1"}]


async def test_graphql_answers_a_stalled_mutation_at_its_deadline_and_lets_it_finish(booking):
    key = uuid.uuid4().hex
    request = json.dumps(create_booking_request(key)).encode()
    booking.inventory.gate = asyncio.Event()
    try:
        response = await asyncio.wait_for(post_graphql(booking, request), 5)
        assert response.status_code == 503 and error_codes(response) == ["DEADLINE_EXCEEDED"]
        assert await Booking.find_one({"idempotency_key": key}) is None
        booking.inventory.gate.set()
        give_up = time.monotonic() + 5
        while (stored := await Booking.find_one({"idempotency_key": key})) is None:
            assert time.monotonic() < give_up, "the interrupted createBooking never finished"
            await asyncio.sleep(0.05)
    finally:
        booking.inventory.gate = None
    again = await post_graphql(booking, request)
    assert again.json()["data"]["createBooking"]["booking"]["id"] == stored.id
    assert len([hold for hold in booking.inventory.holds if hold == stored.id]) == 1
