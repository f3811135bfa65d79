"""Many users racing through the whole saga for overlapping seats: no seat is ever sold twice.

Wave 1: thirty users each ask for 1-3 of ten seats and pay with a card that succeeds or is
declined, all at once. Wave 2, also all at once: half of the winners cancel (refund, seats
released) while everyone refused in wave 1 tries again. Afterwards the confirmed bookings own
disjoint seats, exactly their seats are SOLD, every other seat is AVAILABLE (no hold left
behind), each confirmed booking was paid once and each cancelled one was refunded.
"""

import asyncio
import random
import uuid

import pytest

from generated.graphql_client import Client
from handlers.booking.models import Booking
from handlers.payment.models import Payment, Refund
from tests.integration.booking.queries import booking_api

pytestmark = pytest.mark.integration
USERS = 30
SEATS = [f"A-{n}" for n in range(1, 11)]


async def book(api: Client, showtime: str, seat_ids: list[str], card: str) -> tuple[str, str | None]:
    """(outcome, booking id): CONFIRMED, or the typed error code that stopped the booking."""
    created = await api.create_booking(
        showtime_id=showtime, seat_ids=seat_ids, idempotency_key=uuid.uuid4().hex
    )
    if created.error is not None:
        return created.error.code, None
    booking_id = created.booking.id
    result = await api.confirm_booking(booking_id=booking_id, payment_token=card)
    return (result.booking.status if result.error is None else result.error.code), booking_id


async def cancel(api: Client, booking_id: str) -> tuple[str, str]:
    result = await api.cancel_booking(id=booking_id)
    assert result.error is None, result
    return result.booking.status, booking_id


async def test_racing_users_never_share_a_sold_seat(new_gql, make_showtime):
    showtime = await make_showtime()
    rng = random.Random(2026)
    wishes = [sorted(rng.sample(SEATS, rng.randint(1, 3))) for _ in range(USERS)]
    cards = rng.choices(["tok_visa_success", "tok_card_declined"], weights=[3, 1], k=USERS)
    clients = [booking_api(new_gql()) for _ in range(USERS)]

    first = await asyncio.gather(*(book(clients[i], showtime, wishes[i], cards[i]) for i in range(USERS)))
    winners = [i for i, (outcome, _) in enumerate(first) if outcome == "CONFIRMED"]
    refused = [i for i, (outcome, _) in enumerate(first) if outcome == "SEATS_UNAVAILABLE"]
    assert {outcome for outcome, _ in first} <= {"CONFIRMED", "SEATS_UNAVAILABLE", "PAYMENT_DECLINED"}
    assert winners and refused, first

    quitters = winners[::2]
    second = await asyncio.gather(
        *(cancel(clients[i], first[i][1]) for i in quitters),
        *(book(clients[i], showtime, wishes[i], "tok_visa_success") for i in refused),
    )
    assert [outcome for outcome, _ in second[: len(quitters)]] == ["CANCELLED"] * len(quitters)
    assert {outcome for outcome, _ in second[len(quitters) :]} <= {"CONFIRMED", "SEATS_UNAVAILABLE"}

    confirmed = await Booking.find({"showtime_id": showtime, "status": "CONFIRMED"}).to_list()
    expected = len(winners) - len(quitters) + [outcome for outcome, _ in second].count("CONFIRMED")
    assert len(confirmed) == expected
    sold_to = [seat for booking in confirmed for seat in booking.seat_ids]
    assert len(sold_to) == len(set(sold_to)), "a seat belongs to two confirmed bookings"

    seat_map = (await clients[0].seat_map(showtime_id=showtime)).seats
    states = {seat.id: seat.state for seat in seat_map if seat.id in SEATS}
    assert {seat for seat, state in states.items() if state == "SOLD"} == set(sold_to)
    assert {state for seat, state in states.items() if seat not in sold_to} <= {"AVAILABLE"}

    for booking in confirmed:
        payments = await Payment.find({"booking_id": booking.id}).to_list()
        assert [payment.status for payment in payments] == ["succeeded"], booking.id
    for _, booking_id in second[: len(quitters)]:
        [payment] = await Payment.find({"booking_id": booking_id}).to_list()
        refunds = await Refund.find({"payment_id": payment.id}).to_list()
        assert sum(refund.amount for refund in refunds) == payment.amount, booking_id
