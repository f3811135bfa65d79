"""The closed loop: each user reads a seat map, then createBooking + confirmBooking, again and again.

Every user has its own HTTP client, bearer token and source address (127.x.y.z, as users have their
own), and books through the typed GraphQL client (generated/graphql_client, the calls of
``mesh.journey``). A user keeps one showtime until it has fewer than two free seats, so users of one
run never race for a seat (``race`` below is the run where they do). Only what completes inside the
measured window counts; a warm-up comes first.
"""

import asyncio
import contextlib
import random
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx

from bench.rush import cpu
from bench.rush.setup import SeatSupply, User, sign_up
from generated.graphql_client import BookingErrorCode, BookingStatus
from generated.graphql_client import Client as BookingApi
from generated.graphql_client.exceptions import (
    GraphQLClientError,
    GraphQLClientGraphQLMultiError,
    GraphQLClientHttpError,
)
from generated.openapi.cinema import SeatMap, State
from mesh import journey
from mesh.processes import GATEWAY_URL, by_name

SEATS_TAKEN = "seats taken"


@dataclass(frozen=True)
class Target:
    """Where the calls go: the gateway for both, or the cinema and booking services directly."""

    name: str
    cinema_url: str
    graphql_url: str


@dataclass
class Samples:
    started: float
    measured_from: float
    latencies: dict[str, list[float]] = field(default_factory=dict)  # step -> ms
    errors: Counter = field(default_factory=Counter)
    confirmed: int = 0

    def counts(self, done_at: float) -> bool:
        return done_at >= self.measured_from

    def add(self, step: str, ms: float) -> None:
        self.latencies.setdefault(step, []).append(ms)


def error_kind(error: Exception) -> str:
    if isinstance(error, GraphQLClientHttpError):
        return "rate limited (429)" if error.status_code == 429 else f"HTTP {error.status_code}"
    if isinstance(error, GraphQLClientGraphQLMultiError):
        return str((error.errors[0].extensions or {}).get("code", "GraphQL error"))
    if isinstance(error, httpx.TimeoutException):
        return "timeout"
    if isinstance(error, RuntimeError):
        return str(error)  # the seat map's status
    return type(error).__name__


def user_client(user: User, address: str | None = None) -> httpx.AsyncClient:
    transport = httpx.AsyncHTTPTransport(local_address=address) if address else None
    return httpx.AsyncClient(headers=journey.bearer(user.token), transport=transport, timeout=30)


def addresses(count: int) -> list[str]:
    """One loopback source address per user; a random /16 per run, so no earlier counter applies."""
    second = random.randint(1, 254)
    return [f"127.{second}.{i // 250}.{i % 250 + 1}" for i in range(count)]


async def free_seats(client: httpx.AsyncClient, target: Target, showtime: int) -> list[str]:
    answer = await client.get(f"{target.cinema_url}/showtimes/{showtime}/seats")
    if answer.status_code != 200:
        raise RuntimeError(f"seat map HTTP {answer.status_code}")
    seat_map = SeatMap.model_validate_json(answer.content)
    return [seat.seat_id for seat in seat_map.seats if seat.state == State.available]


async def book_once(api: BookingApi, client, target: Target, showtime: int, samples: Samples) -> bool:
    """One booking; False when the showtime has no two free seats left."""
    started = time.perf_counter()
    seats = await free_seats(client, target, showtime)
    if len(seats) < 2:
        return False
    read = time.perf_counter()
    created = await journey.create_booking(api, showtime, random.sample(seats, 2))
    held = time.perf_counter()
    if created.error or not created.booking:
        code = created.error.code.value if created.error else "no booking"
        if samples.counts(held):
            samples.errors[SEATS_TAKEN if code == BookingErrorCode.SEATS_UNAVAILABLE.value else code] += 1
        return True
    confirmed = await journey.confirm_booking(api, created.booking.id)
    done = time.perf_counter()
    if not samples.counts(done):
        return True
    if confirmed.error or not confirmed.booking or confirmed.booking.status != BookingStatus.CONFIRMED:
        samples.errors[confirmed.error.code.value if confirmed.error else "not confirmed"] += 1
        return True
    samples.confirmed += 1
    for step, ms in (("seat map", read - started), ("create", held - read), ("confirm", done - held)):
        samples.add(step, ms * 1000)
    samples.add("whole booking", (done - started) * 1000)
    return True


async def user_loop(client: httpx.AsyncClient, target: Target, supply: SeatSupply, samples: Samples, stop_at):
    api = BookingApi(url=target.graphql_url, http_client=client)  # type: ignore[arg-type]
    showtime = await supply.take()
    while time.perf_counter() < stop_at:
        try:
            if not await book_once(api, client, target, showtime, samples):
                showtime = await supply.take()
        except (httpx.HTTPError, GraphQLClientError, RuntimeError) as error:
            if samples.counts(time.perf_counter()):
                samples.errors[error_kind(error)] += 1
    supply.give_back(showtime)


async def closed_loop(
    clients: list[httpx.AsyncClient], target: Target, supply: SeatSupply, seconds: float, warm_up: float
) -> tuple[Samples, dict[str, float]]:
    """The samples of the measured window and the CPU (% of one core) of each process during it.
    ``clients``: one per user (``user_client``), made beforehand: making one takes milliseconds of
    CPU (its TLS context), which would stall the loop if 200 were made inside the window."""
    await supply.fill(len(clients))
    watched = cpu.processes()
    now = time.perf_counter()
    samples = Samples(started=now, measured_from=now + warm_up)
    stop_at = samples.measured_from + seconds
    loops = asyncio.gather(*(user_loop(client, target, supply, samples, stop_at) for client in clients))
    await asyncio.sleep(warm_up)  # the window is a span of time: CPU is read at its two ends
    before, opened = cpu.snapshot(watched), time.perf_counter()
    await asyncio.sleep(max(0.0, stop_at - opened))
    used = cpu.usage(before, cpu.snapshot(watched), time.perf_counter() - opened)
    await loops
    return samples, used


@contextlib.asynccontextmanager
async def through_the_gateway(
    count: int,
) -> AsyncIterator[tuple[list[httpx.AsyncClient], Target, SeatSupply]]:
    """``count`` signed-up users, each with its client (``user_client``), the gateway as the target,
    and a fresh hall's seat supply: what a closed loop through the gateway needs, closed afterwards."""
    users = await sign_up(count)
    clients = [user_client(user, address) for user, address in zip(users, addresses(count), strict=True)]
    try:
        async with httpx.AsyncClient(base_url=by_name("cinema").url, timeout=60) as cinema:
            gateway = Target("gateway", GATEWAY_URL, f"{GATEWAY_URL}/graphql")
            yield clients, gateway, await SeatSupply.open(cinema)
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))
