"""One window (issue 9, defect 8): seats are held, confirmed or cancelled only until the showtime starts.

After the start: createBooking and confirmBooking answer SHOWTIME_STARTED and charge nothing (a
PENDING booking expires, its seats are released); cancelBooking answers TOO_LATE_TO_CANCEL (a
CONFIRMED booking stays CONFIRMED, paid and sold). A charge still in flight when the show starts
is refunded and sells nothing.
"""

import asyncio
import uuid

import pytest

from handlers.booking.models import Booking
from handlers.payment.models import Payment
from tests.integration.booking.conftest import GraphQLClient, mint_token, until
from tests.integration.booking.invariants import money_and_seats
from tests.integration.booking.queries import book, booking_api, seat_states_of

pytestmark = pytest.mark.integration


async def test_confirm_after_the_start_charges_nothing_and_releases_the_seats(
    gql, make_showtime, start_showtime
):
    showtime, api = await make_showtime(), booking_api(gql)
    booking = await book(api, showtime, ["A-1", "A-2"])
    await start_showtime(showtime)

    late = await api.confirm_booking(booking_id=booking.id, payment_token="tok_visa_success")

    assert late.error.code == "SHOWTIME_STARTED", late
    assert late.booking.status == "EXPIRED"
    assert await Payment.find({"booking_id": booking.id}).count() == 0
    states = await seat_states_of(api)(showtime)
    assert (states["A-1"], states["A-2"]) == ("AVAILABLE", "AVAILABLE")
    again = await api.confirm_booking(booking_id=booking.id, payment_token="tok_visa_success")
    assert again.error.code == "BOOKING_EXPIRED" and again.booking.status == "EXPIRED"
    assert await money_and_seats([showtime], seat_states_of(api)) == []


async def test_create_after_the_start_holds_nothing(gql, make_showtime, start_showtime):
    showtime, api = await make_showtime(), booking_api(gql)
    await start_showtime(showtime)
    late = await api.create_booking(showtime_id=showtime, seat_ids=["B-1"], idempotency_key=uuid.uuid4().hex)
    assert (late.booking, late.error.code, late.error.seat_ids) == (None, "SHOWTIME_STARTED", None)
    assert (await seat_states_of(api)(showtime))["B-1"] == "AVAILABLE"


async def test_cancel_after_the_start_is_too_late_and_keeps_a_paid_booking(
    gql, make_showtime, start_showtime
):
    showtime, api = await make_showtime(), booking_api(gql)
    paid = await book(api, showtime, ["A-3"])
    confirmed = await api.confirm_booking(booking_id=paid.id, payment_token="tok_visa_success")
    assert confirmed.booking.status == "CONFIRMED"
    unpaid = await book(api, showtime, ["A-4"])
    await start_showtime(showtime)

    kept = await api.cancel_booking(id=paid.id)
    lapsed = await api.cancel_booking(id=unpaid.id)

    assert (kept.error.code, kept.booking.status) == ("TOO_LATE_TO_CANCEL", "CONFIRMED")
    assert (lapsed.error.code, lapsed.booking.status) == ("TOO_LATE_TO_CANCEL", "EXPIRED")
    assert (await Booking.get(paid.id)).refund_id is None
    states = await seat_states_of(api)(showtime)
    assert (states["A-3"], states["A-4"]) == ("SOLD", "AVAILABLE")
    assert await money_and_seats([showtime], seat_states_of(api)) == []


async def test_a_charge_in_flight_when_the_show_starts_is_refunded(
    slow_booking_url, make_showtime, start_showtime
):
    showtime = await make_showtime()
    api = booking_api(GraphQLClient(slow_booking_url, mint_token(f"user-{uuid.uuid4().hex[:12]}")))
    booking = await book(api, showtime, ["B-2"])
    confirming = asyncio.create_task(
        api.confirm_booking(booking_id=booking.id, payment_token="tok_visa_success")
    )

    async def charging() -> bool:
        return (await Booking.get(booking.id)).status == "CONFIRMING"

    await until(charging)
    await start_showtime(showtime)
    late = await confirming

    assert late.error.code == "SHOWTIME_STARTED", late
    assert late.booking.status == "EXPIRED"
    stored = await Booking.get(booking.id)
    assert stored.payment_id and stored.refund_id
    assert await money_and_seats([showtime], seat_states_of(api)) == []
