"""Two confirmBooking calls with different cards while the first charge is in flight (issue 9, defect 5).

The card processor is slowed (``PAYMENT_PROCESSOR_LATENCY_MS``) behind a booking service of its
own, so the first charge is still running when the second confirmBooking, with another card,
arrives. Some holds outlive the charge, some lapse while it runs; then the holds lapse and the
recovery sweep runs. Afterwards every capture belongs to a CONFIRMED booking or was refunded in
full, every CONFIRMED booking is paid exactly once, and no seat is SOLD without a CONFIRMED booking.
"""

import asyncio
import uuid
from datetime import timedelta

import pytest

from handlers.booking.creation import create_booking as hold_seats
from handlers.booking.models import Booking, now
from handlers.booking.recovery import recover_bookings
from tests.integration.booking.conftest import SLOW_PROCESSOR_MS, GraphQLClient, mint_token, until
from tests.integration.booking.invariants import money_and_seats
from tests.integration.booking.queries import booking_api

pytestmark = [pytest.mark.integration, pytest.mark.slow]
LONG_HOLD, SHORT_HOLD = 10, 2  # seconds: outlives the slowed charge / lapses while it runs
assert SHORT_HOLD < SLOW_PROCESSOR_MS / 1000 < LONG_HOLD


async def hold_and_confirm_twice(saga_deps, url: str, showtime: str, seat: str, ttl: int):
    """Hold ``seat`` for ``ttl`` seconds and confirm at once; once that charge is in flight, confirm
    again with another card. Returns (booking, first answer, second answer)."""
    user = f"user-{uuid.uuid4().hex[:12]}"
    api = booking_api(GraphQLClient(url, mint_token(user)))
    booking = await hold_seats(
        saga_deps.inventory, saga_deps.catalog, user, showtime, [seat], uuid.uuid4().hex, ttl
    )
    first = asyncio.create_task(api.confirm_booking(booking_id=booking.id, payment_token="tok_visa_success"))

    async def charging() -> bool:
        return (await Booking.get(booking.id)).status == "CONFIRMING"

    await until(charging)
    second = await api.confirm_booking(booking_id=booking.id, payment_token="tok_mastercard_success")
    return booking, await first, second


async def test_a_second_card_while_the_first_charge_runs_never_leaves_a_charge_behind(
    saga_deps, slow_booking_url, gql, make_showtime
):
    showtime = await make_showtime()
    plans = [("A-1", LONG_HOLD), ("A-2", LONG_HOLD), ("A-3", SHORT_HOLD), ("A-4", SHORT_HOLD)]
    runs = await asyncio.gather(
        *(hold_and_confirm_twice(saga_deps, slow_booking_url, showtime, seat, ttl) for seat, ttl in plans)
    )
    bookings = [booking for booking, _, _ in runs]

    async def lapsed() -> bool:
        return all(b.hold_expires_at < now() for b in bookings)

    await until(lapsed, within=LONG_HOLD + 5)
    await recover_bookings(saga_deps, stale_after=timedelta(0))

    async def seat_states(showtime_id: str) -> dict[str, str]:
        seats = (await booking_api(gql).seat_map(showtime_id=showtime_id)).seats
        return {seat.id: seat.state for seat in seats}

    assert await money_and_seats([showtime], seat_states) == []
    outcomes = [(first.booking.status, second.error.code) for _, first, second in runs]
    assert outcomes == [("CONFIRMED", "IN_PROGRESS")] * 2 + [("EXPIRED", "IN_PROGRESS")] * 2, runs
    late = [await Booking.get(b.id) for b in bookings[2:]]  # charged after their hold lapsed
    assert all(b.refund_id for b in late), [[(step.status, step.detail) for step in b.history] for b in late]
