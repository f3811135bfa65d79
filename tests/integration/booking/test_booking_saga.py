"""The booking saga against the real cinema, payment and notification services."""

import asyncio
import uuid

import pytest

from generated.graphql_client import Client
from generated.graphql_client.operations import MY_BOOKINGS_GQL
from handlers.booking.models import Booking
from handlers.notification.models import Notification
from tests.integration.booking.queries import booking_api

pytestmark = pytest.mark.integration


async def seat_states(api: Client, showtime_id: str, seat_ids: list[str]) -> dict[str, str]:
    seats = (await api.seat_map(showtime_id=showtime_id)).seats
    return {seat.id: seat.state for seat in seats if seat.id in seat_ids}


async def create(api: Client, showtime_id: str, seats: list[str], key: str | None = None):
    return await api.create_booking(
        showtime_id=showtime_id, seat_ids=seats, idempotency_key=key or uuid.uuid4().hex
    )


async def eventually(predicate, within: float = 15.0):
    deadline = asyncio.get_running_loop().time() + within
    while True:
        value = await predicate()
        if value or asyncio.get_running_loop().time() > deadline:
            return value
        await asyncio.sleep(0.2)


async def test_happy_path_sells_seats_captures_payment_and_notifies(gql, make_showtime, payment_url):
    showtime = await make_showtime(base_price_minor=1250)
    api = booking_api(gql)
    seats = ["A-1", "A-2"]
    created = await create(api, showtime, seats)
    assert created.error is None
    booking = created.booking
    assert booking.status == "PENDING"
    assert booking.total.model_dump() == {"amount": 2500, "currency": "EUR"}
    assert await seat_states(api, showtime, seats) == {"A-1": "HELD", "A-2": "HELD"}

    confirmed = await api.confirm_booking(booking_id=booking.id, payment_token="tok_visa_success")
    assert confirmed.error is None
    assert confirmed.booking.status == "CONFIRMED"
    assert confirmed.booking.payment_id.startswith("pay_")
    steps = [step.status for step in confirmed.booking.history]
    assert steps == ["PENDING", "CONFIRMING", "CONFIRMING", "CONFIRMED"]  # charging, captured, sold
    assert await seat_states(api, showtime, seats) == {"A-1": "SOLD", "A-2": "SOLD"}

    async def published() -> bool:
        stored = await Booking.get(booking.id)
        return stored is not None and not stored.outbox_pending and len(stored.outbox) == 2

    assert await eventually(published), "booking.created/confirmed were not relayed"
    stored = await Booking.get(booking.id)
    assert [event.type for event in stored.outbox] == ["booking.created", "booking.confirmed"]

    async def notified() -> list:
        query = {"event_type": "booking.confirmed", "user_id": stored.user_id}
        return await Notification.find(query).to_list()

    rows = await eventually(notified)
    assert [row.channel for row in rows] == ["email"]
    assert booking.id in rows[0].body


async def test_declined_payment_releases_seats(gql, make_showtime):
    showtime = await make_showtime()
    api = booking_api(gql)
    booking = (await create(api, showtime, ["B-3"])).booking
    result = await api.confirm_booking(booking_id=booking.id, payment_token="tok_card_declined")
    assert result.error.code == "PAYMENT_DECLINED"
    assert result.booking.status == "PAYMENT_FAILED"
    assert await seat_states(api, showtime, ["B-3"]) == {"B-3": "AVAILABLE"}


async def test_seats_taken_is_a_typed_error(gql, make_showtime):
    showtime = await make_showtime()
    api = booking_api(gql)
    await create(api, showtime, ["A-5", "A-6"])
    taken = await create(api, showtime, ["A-6", "A-7"])
    assert taken.booking is None
    assert taken.error.code == "SEATS_UNAVAILABLE"
    assert taken.error.seat_ids == ["A-6"]


async def test_cancel_pending_releases_the_hold(gql, make_showtime):
    showtime = await make_showtime()
    api = booking_api(gql)
    booking = (await create(api, showtime, ["A-9"])).booking
    result = await api.cancel_booking(id=booking.id)
    assert result.error is None and result.booking.status == "CANCELLED"
    assert await seat_states(api, showtime, ["A-9"]) == {"A-9": "AVAILABLE"}


async def test_cancel_confirmed_refunds_and_releases(gql, make_showtime, booking_url):
    showtime = await make_showtime()
    api = booking_api(gql)
    booking = (await create(api, showtime, ["B-1"])).booking
    confirmed = await api.confirm_booking(booking_id=booking.id, payment_token="tok_visa_success")
    assert confirmed.booking.status == "CONFIRMED"
    result = await api.cancel_booking(id=booking.id)
    assert result.error is None and result.booking.status == "CANCELLED"
    assert await seat_states(api, showtime, ["B-1"]) == {"B-1": "AVAILABLE"}
    stored = await Booking.get(booking.id)
    assert stored.refund_id and stored.refund_id.startswith("re_")


async def test_concurrent_retries_with_one_key_make_one_booking(gql, make_showtime, user_id):
    showtime = await make_showtime()
    api = booking_api(gql)
    key = uuid.uuid4().hex
    results = await asyncio.gather(*(create(api, showtime, ["A-3", "A-4"], key) for _ in range(5)))
    ids = {result.booking.id for result in results}
    assert len(ids) == 1, results
    assert await Booking.find({"user_id": user_id, "idempotency_key": key}).count() == 1


async def test_another_user_never_sees_the_booking(gql, other_gql, make_showtime):
    showtime = await make_showtime()
    api = booking_api(gql)
    booking = (await create(api, showtime, ["B-9"])).booking
    other = booking_api(other_gql)
    assert (await other.get_booking(id=booking.id), await other.my_bookings()) == (None, [])
    cancel = await other.cancel_booking(id=booking.id)
    assert cancel.error.code == "NOT_FOUND"
    mine = await api.my_bookings()
    assert [item.id for item in mine] == [booking.id]


@pytest.mark.parametrize(
    "booking_id", ["\x00", "not-a-booking", "0" * 36, "00000000-0000-0000-0000-000000000000"]
)
async def test_an_id_that_names_no_booking_is_not_found_never_an_error(gql, booking_id):
    api = booking_api(gql)
    assert await api.get_booking(id=booking_id) is None  # and no errors: the client raises on any
    cancel = await api.cancel_booking(id=booking_id)
    assert cancel.error.code == "NOT_FOUND"


async def test_user_fields_need_a_valid_token(booking_url, anonymous_gql):
    result = await anonymous_gql(MY_BOOKINGS_GQL)  # raw: the answer is an HTTP 400 carrying the error
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
