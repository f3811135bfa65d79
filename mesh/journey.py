"""The booking journey through the gateway, step by step (used by ``make demo`` and the e2e tests).

Each function is one public call: REST for accounts and catalog (``httpx.Client``), GraphQL for
bookings through the typed client ``booking_api`` gives (generated/graphql_client, from
mesh/graphql/operations.graphql; it raises ``GraphQLClientError`` on an HTTP error or an ``errors`` answer).
``JourneyError`` carries the status and body of a REST call that did not go as the journey expects.
"""

import random
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from generated.graphql_client import Client as BookingApi
from generated.graphql_client import ConfirmBookingConfirmBooking, CreateBookingCreateBooking

SUCCESS_TOKEN = "tok_visa_success"


class JourneyError(Exception):
    def __init__(self, step: str, response: httpx.Response):
        super().__init__(f"{step}: HTTP {response.status_code} {response.text[:500]}")
        self.response = response


def _ok(step: str, response: httpx.Response, *expected: int) -> dict:
    if response.status_code not in (expected or (200,)):
        raise JourneyError(step, response)
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def register(client: httpx.Client, name: str = "Demo Guest", password: str = "correct-horse-42") -> dict:
    email = f"guest-{uuid.uuid4().hex[:12]}@cinemesh.dev"
    user = _ok(
        "register", client.post("/users", json={"email": email, "password": password, "name": name}), 201
    )
    return {**user, "password": password}


def log_in(client: httpx.Client, email: str, password: str) -> str:
    tokens = _ok("log in", client.post("/auth/token", json={"email": email, "password": password}))
    return tokens["access_token"]


def upcoming_showtimes(client: httpx.Client) -> list[dict]:
    return _ok("list showtimes", client.get("/showtimes", params={"limit": 50}))["items"]


def showtime_with_free_seats(client: httpx.Client, count: int) -> tuple[dict, list[dict]]:
    """The first showtime starting in more than an hour with ``count`` free seats, and its free seats."""
    soon = datetime.now(UTC) + timedelta(hours=1)
    for showtime in upcoming_showtimes(client):
        if datetime.fromisoformat(showtime["starts_at"]) > soon:
            free = available_seats(client, showtime["id"])
            if len(free) >= count:
                return showtime, free
    raise JourneyError(
        "find a showtime", httpx.Response(404, json={"detail": f"no showtime has {count} free seats"})
    )


def schedule_fresh_showtime(client: httpx.Client, admin_token: str) -> dict:
    """A new showtime (admin, POST /showtimes) at a random slot in the 2090s, so its seats are all free."""
    template = upcoming_showtimes(client)[0]
    rng = random.Random()
    for _ in range(5):
        starts = datetime(2090, 1, 1, tzinfo=UTC) + timedelta(
            days=rng.randrange(3650), hours=rng.randrange(24)
        )
        body = {
            "movie_id": template["movie_id"],
            "hall_id": template["hall_id"],
            "starts_at": starts.isoformat(),
            "base_price_minor": 1000,
            "currency": "EUR",
        }
        response = client.post("/showtimes", json=body, headers=bearer(admin_token))
        if response.status_code != 409:
            return _ok("schedule a showtime", response, 201)
    raise JourneyError("schedule a showtime", response)


def seats(client: httpx.Client, showtime_id: int | str) -> list[dict]:
    return _ok("seat map", client.get(f"/showtimes/{showtime_id}/seats"))["seats"]


def available_seats(client: httpx.Client, showtime_id: int | str) -> list[dict]:
    return [seat for seat in seats(client, showtime_id) if seat["state"] == "available"]


@asynccontextmanager
async def booking_api(client: httpx.Client, token: str) -> AsyncIterator[BookingApi]:
    """The typed GraphQL client on ``client``'s gateway, headers and timeout, acting for ``token``."""
    headers = {**client.headers, **bearer(token)}  # the generated client sends only its http_client's
    http = httpx.AsyncClient(base_url=client.base_url, headers=headers, timeout=client.timeout)
    # ariadne-codegen's HttpClient protocol takes post(url, json, ...) positionally, httpx's post takes them
    # by keyword only; the generated client passes them by keyword.
    async with BookingApi(url="/graphql", http_client=http) as api:  # type: ignore[arg-type]
        yield api


async def create_booking(api: BookingApi, showtime_id, seat_ids: list[str]) -> CreateBookingCreateBooking:
    return await api.create_booking(
        showtime_id=str(showtime_id), seat_ids=seat_ids, idempotency_key=str(uuid.uuid4())
    )


async def confirm_booking(
    api: BookingApi, booking_id: str, payment_token: str = SUCCESS_TOKEN
) -> ConfirmBookingConfirmBooking:
    return await api.confirm_booking(booking_id=booking_id, payment_token=payment_token)


def find_notification(outbox_dir: Path, booking_id: str, timeout: float = 20.0) -> Path | None:
    """The delivered message (notification outbox file) that confirms ``booking_id``."""
    needle = f"Booking {booking_id} is confirmed"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in outbox_dir.glob("*/*.txt"):
            try:
                if needle in path.read_text(encoding="utf-8"):
                    return path
            except FileNotFoundError:
                continue
        time.sleep(0.25)
    return None
