"""Side doors into the booking saga (issue 9, defects 4, 5 and 8), tried by a hostile client.

Real cinema, payment and booking services in-process (the booking integration fixtures):
- a cheap capture for the client's own booking (1 XXX, what the old open ``POST /payments`` let
  anyone make) is never taken as its payment: refunded, no seat sold;
- a second confirmBooking with another card, and a cancelBooking, while the first charge is in
  flight cannot reopen the booking or free its seats: IN_PROGRESS, and the first charge finishes;
- confirmBooking after the showtime started sells nothing and charges nothing.
Each asserts the refusal and that afterwards money and seats add up (``money_and_seats``).
"""

import asyncio
import uuid

import httpx
import pytest

from handlers.booking.models import Booking
from handlers.common.service_token import ServiceToken
from handlers.payment.client import PaymentClient
from handlers.payment.models import Payment
from tests.integration.booking.conftest import (  # noqa: F401 (fixtures)
    GraphQLClient,
    amqp_url,
    booking_settings,
    booking_url,
    cinema_engine,
    cinema_grpc_port,
    cinema_settings,
    cinema_url,
    make_showtime,
    mint_token,
    notification_settings,
    notification_worker,
    payment_url,
    slow_booking_url,
    start_showtime,
    until,
)
from tests.integration.booking.invariants import money_and_seats
from tests.integration.booking.queries import book, booking_api, seat_states_of

pytestmark = [pytest.mark.security, pytest.mark.integration]


def customer(url: str) -> tuple[str, GraphQLClient]:
    user_id = f"user-{uuid.uuid4().hex[:12]}"
    return user_id, GraphQLClient(url, mint_token(user_id))


async def test_a_cheap_capture_is_never_taken_as_the_bookings_payment(
    booking_url,  # noqa: F811
    payment_url,  # noqa: F811
    booking_settings,  # noqa: F811
    make_showtime,  # noqa: F811
):
    showtime = await make_showtime()
    attacker, client = customer(booking_url)
    api = booking_api(client)
    booking = await book(api, showtime, ["A-1", "A-2"])
    cheap = {"amount": 1, "currency": "XXX", "payment_token": "tok_visa_success", "booking_id": booking.id}
    async with httpx.AsyncClient(base_url=payment_url) as http:
        direct = await http.post(
            "/payments",
            json={**cheap, "user_id": attacker},
            headers={"Authorization": f"Bearer {client.token}", "Idempotency-Key": booking.id},
        )
    assert direct.status_code == 403, direct.text
    # ... as if the capture existed anyway, under the booking's own charge key
    async with PaymentClient(payment_url) as payments:
        token = ServiceToken(booking_settings, "booking", audience="payment")()
        planted = await payments.create_payment(
            token, booking.id, 1, "XXX", "tok_visa_success", booking.id, user_id=attacker
        )

    answer = await api.confirm_booking(booking_id=booking.id, payment_token="tok_visa_success")

    assert answer.error.code == "PAYMENT_DECLINED", answer
    assert answer.booking.status == "PAYMENT_FAILED"
    states = await seat_states_of(api)(showtime)
    assert (states["A-1"], states["A-2"]) == ("AVAILABLE", "AVAILABLE")
    assert [payment.id for payment in await Payment.find({"booking_id": booking.id}).to_list()] == [
        planted.id
    ]
    assert await money_and_seats([showtime], seat_states_of(api)) == []  # the 1 XXX was refunded


async def test_a_second_card_or_a_cancel_during_the_charge_cannot_reopen_the_booking(
    slow_booking_url,  # noqa: F811
    make_showtime,  # noqa: F811
):
    showtime = await make_showtime()
    api = booking_api(customer(slow_booking_url)[1])
    booking = await book(api, showtime, ["B-1"])
    first = asyncio.create_task(api.confirm_booking(booking_id=booking.id, payment_token="tok_visa_success"))

    async def charging() -> bool:
        return (await Booking.get(booking.id)).status == "CONFIRMING"

    await until(charging)
    other_card = await api.confirm_booking(booking_id=booking.id, payment_token="tok_mastercard_success")
    cancel = await api.cancel_booking(id=booking.id)
    assert other_card.error.code == "IN_PROGRESS", other_card
    assert cancel.error.code == "IN_PROGRESS", cancel
    assert (await seat_states_of(api)(showtime))["B-1"] == "HELD"

    finished = await first
    assert finished.booking.status == "CONFIRMED", finished
    history = [step.status for step in (await Booking.get(booking.id)).history]
    assert history == ["PENDING", "CONFIRMING", "CONFIRMING", "CONFIRMED"]  # never reopened
    assert await money_and_seats([showtime], seat_states_of(api)) == []


async def test_confirm_after_the_showtime_started_sells_and_charges_nothing(
    booking_url,  # noqa: F811
    make_showtime,  # noqa: F811
    start_showtime,  # noqa: F811
):
    showtime = await make_showtime()
    api = booking_api(customer(booking_url)[1])
    booking = await book(api, showtime, ["B-5"])
    await start_showtime(showtime)

    late = await api.confirm_booking(booking_id=booking.id, payment_token="tok_visa_success")

    assert late.error.code == "SHOWTIME_STARTED", late
    assert await Payment.find({"booking_id": booking.id}).count() == 0
    assert (await seat_states_of(api)(showtime))["B-5"] == "AVAILABLE"
    assert await money_and_seats([showtime], seat_states_of(api)) == []
