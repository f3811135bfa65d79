"""Contention: many clients race for a few seats of one showtime at the same moment.

Each attempt holds one of the ten contested seats (createBooking; every seat is tried by about the
same number of attempts, in random order) and, when it wins the hold, pays (confirmBooking).
Exactly one booking per seat must win; the rest are told the seats are taken.
"""

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

from bench.rush.loop import SEATS_TAKEN, Target, error_kind
from bench.rush.setup import SeatSupply
from generated.graphql_client import BookingErrorCode, BookingStatus
from generated.graphql_client import Client as BookingApi
from generated.graphql_client.exceptions import GraphQLClientError
from mesh import journey

CONTESTED = [f"A-{n}" for n in range(1, 11)]


@dataclass
class RaceResult:
    attempts: int
    winners: int = 0
    sold: Counter = field(default_factory=Counter)  # seat -> confirmed bookings holding it
    hold_ms: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)


async def attempt(api: BookingApi, showtime: int, seat: str, result: RaceResult) -> None:
    started = time.perf_counter()
    try:
        created = await journey.create_booking(api, showtime, [seat])
        result.hold_ms.append((time.perf_counter() - started) * 1000)
        if created.error or not created.booking:
            code = created.error.code.value if created.error else "no booking"
            result.errors[SEATS_TAKEN if code == BookingErrorCode.SEATS_UNAVAILABLE.value else code] += 1
            return
        confirmed = await journey.confirm_booking(api, created.booking.id)
    except (httpx.HTTPError, GraphQLClientError) as error:
        result.errors[error_kind(error)] += 1
        return
    if confirmed.booking and confirmed.booking.status == BookingStatus.CONFIRMED:
        result.winners += 1
        result.sold.update(confirmed.booking.seat_ids)
    else:
        result.errors[confirmed.error.code.value if confirmed.error else "not confirmed"] += 1


async def race(
    clients: list[httpx.AsyncClient], target: Target, supply: SeatSupply, attempts: int
) -> RaceResult:
    showtime = await supply.schedule()
    seats = [CONTESTED[i % len(CONTESTED)] for i in range(attempts)]  # every seat is contested
    random.shuffle(seats)
    result = RaceResult(attempts)
    apis = [BookingApi(url=target.graphql_url, http_client=c) for c in clients]  # type: ignore[arg-type]
    await asyncio.gather(
        *(attempt(apis[i % len(apis)], showtime, seat, result) for i, seat in enumerate(seats))
    )
    return result
