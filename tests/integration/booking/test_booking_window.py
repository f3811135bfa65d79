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
from tests.integration.booking.queries import CANCEL, CONFIRM, CREATE, SEAT_MAP

pytestmark = pytest.mark.integration


async def create(gql, showtime: str, seats: list[str]) -> dict:
    created = (await gql(CREATE, s=showtime, seats=seats, k=uuid.uuid4().hex))["data"]["createBooking"]
    assert created["error"] is None, created
    return created["booking"]


def seat_states_of(gql):
    async def seat_states(showtime: str) -> dict[str, str]:
        seats = (await gql(SEAT_MAP, s=showtime))["data"]["seatMap"]["seats"]
        return {seat["id"]: seat["state"] for seat in seats}

    return seat_states


async def test_confirm_after_the_start_charges_nothing_and_releases_the_seats(
    gql, make_showtime, start_showtime
):
    showtime = await make_showtime()
    booking = await create(gql, showtime, ["A-1", "A-2"])
    await start_showtime(showtime)

    late = (await gql(CONFIRM, b=booking["id"], t="tok_visa_success"))["data"]["confirmBooking"]

    assert late["error"]["code"] == "SHOWTIME_STARTED", late
    assert late["booking"]["status"] == "EXPIRED"
    assert await Payment.find({"booking_id": booking["id"]}).count() == 0
    states = await seat_states_of(gql)(showtime)
    assert (states["A-1"], states["A-2"]) == ("AVAILABLE", "AVAILABLE")
    again = (await gql(CONFIRM, b=booking["id"], t="tok_visa_success"))["data"]["confirmBooking"]
    assert again["error"]["code"] == "BOOKING_EXPIRED" and again["booking"]["status"] == "EXPIRED"
    assert await money_and_seats([showtime], seat_states_of(gql)) == []


async def test_create_after_the_start_holds_nothing(gql, make_showtime, start_showtime):
    showtime = await make_showtime()
    await start_showtime(showtime)
    late = (await gql(CREATE, s=showtime, seats=["B-1"], k=uuid.uuid4().hex))["data"]["createBooking"]
    assert late == {
        "booking": None,
        "error": {"code": "SHOWTIME_STARTED", "message": late["error"]["message"], "seatIds": None},
    }
    assert (await seat_states_of(gql)(showtime))["B-1"] == "AVAILABLE"


async def test_cancel_after_the_start_is_too_late_and_keeps_a_paid_booking(
    gql, make_showtime, start_showtime
):
    showtime = await make_showtime()
    paid = await create(gql, showtime, ["A-3"])
    confirmed = (await gql(CONFIRM, b=paid["id"], t="tok_visa_success"))["data"]["confirmBooking"]
    assert confirmed["booking"]["status"] == "CONFIRMED"
    unpaid = await create(gql, showtime, ["A-4"])
    await start_showtime(showtime)

    kept = (await gql(CANCEL, b=paid["id"]))["data"]["cancelBooking"]
    lapsed = (await gql(CANCEL, b=unpaid["id"]))["data"]["cancelBooking"]

    assert (kept["error"]["code"], kept["booking"]["status"]) == ("TOO_LATE_TO_CANCEL", "CONFIRMED")
    assert (lapsed["error"]["code"], lapsed["booking"]["status"]) == ("TOO_LATE_TO_CANCEL", "EXPIRED")
    assert (await Booking.get(paid["id"])).refund_id is None
    states = await seat_states_of(gql)(showtime)
    assert (states["A-3"], states["A-4"]) == ("SOLD", "AVAILABLE")
    assert await money_and_seats([showtime], seat_states_of(gql)) == []


async def test_a_charge_in_flight_when_the_show_starts_is_refunded(
    slow_booking_url, make_showtime, start_showtime
):
    showtime = await make_showtime()
    gql = GraphQLClient(slow_booking_url, mint_token(f"user-{uuid.uuid4().hex[:12]}"))
    booking = await create(gql, showtime, ["B-2"])
    confirming = asyncio.create_task(gql(CONFIRM, b=booking["id"], t="tok_visa_success"))

    async def charging() -> bool:
        return (await Booking.get(booking["id"])).status == "CONFIRMING"

    await until(charging)
    await start_showtime(showtime)
    late = (await confirming)["data"]["confirmBooking"]

    assert late["error"]["code"] == "SHOWTIME_STARTED", late
    assert late["booking"]["status"] == "EXPIRED"
    stored = await Booking.get(booking["id"])
    assert stored.payment_id and stored.refund_id
    assert await money_and_seats([showtime], seat_states_of(gql)) == []
