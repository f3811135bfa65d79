"""Expiry, outages and recovery of bookings left mid-way, against the real cinema and payment services."""

import asyncio
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from handlers.booking.adapters.inventory import GrpcSeatInventory
from handlers.booking.adapters.payments import ClientPayments
from handlers.booking.cancellation import cancel_booking
from handlers.booking.confirmation import confirm_booking
from handlers.booking.creation import create_booking
from handlers.booking.deps import SagaDeps
from handlers.booking.errors import BookingProblem, DependencyUnavailable
from handlers.booking.models import Booking, Status
from handlers.booking.recovery import recover_bookings
from handlers.cinema.inventory_client import InventoryClient
from handlers.common.service_token import ServiceToken
from handlers.payment.client import PaymentClient
from tests.integration.booking.conftest import crash_into

pytestmark = pytest.mark.integration
SEAT_MAP = "query($s: ID!) { seatMap(showtimeId: $s) { seats { id state } } }"


async def states(gql, showtime_id: str) -> dict[str, str]:
    result = await gql(SEAT_MAP, s=showtime_id)
    return {seat["id"]: seat["state"] for seat in result["data"]["seatMap"]["seats"]}


async def pending(deps: SagaDeps, user_id: str, showtime: str, seats: list[str], ttl: int = 600) -> Booking:
    return await create_booking(deps.inventory, deps.catalog, user_id, showtime, seats, uuid.uuid4().hex, ttl)


async def payments_of(deps: SagaDeps, booking: Booking):
    return await deps.payments.find_for_booking(booking.id)


async def test_hold_expired_before_charge_ends_expired_without_charge(gql, saga_deps, make_showtime, user_id):
    showtime = await make_showtime()
    booking = await pending(saga_deps, user_id, showtime, ["A-1"], ttl=1)
    await asyncio.sleep(1.3)
    with pytest.raises(BookingProblem) as outcome:
        await confirm_booking(saga_deps, booking, "tok_visa_success")
    assert outcome.value.code == "BOOKING_EXPIRED"
    assert outcome.value.booking.status == Status.EXPIRED
    assert await payments_of(saga_deps, booking) is None
    assert (await states(gql, showtime))["A-1"] == "AVAILABLE"


async def test_hold_lapsing_during_payment_refunds_the_charge(gql, saga_deps, make_showtime, user_id):
    showtime = await make_showtime()
    booking = await pending(saga_deps, user_id, showtime, ["A-2"], ttl=1)
    # the cinema's hold lapses while the booking still believes it is live (clock skew, slow charge)
    await crash_into(booking.id, hold_expires_at=booking.hold_expires_at + timedelta(hours=1))
    await asyncio.sleep(1.3)
    with pytest.raises(BookingProblem) as outcome:
        await confirm_booking(saga_deps, await Booking.get(booking.id), "tok_visa_success")
    assert outcome.value.code == "BOOKING_EXPIRED"
    stored = await Booking.get(booking.id)
    assert stored.status == Status.EXPIRED and stored.refund_id
    assert stored.outbox[-1].type == "booking.expired" and stored.outbox[-1].data["refunded"] is True
    assert (await states(gql, showtime))["A-2"] == "AVAILABLE"


async def test_inventory_down_gives_a_clear_error_and_holds_nothing(saga_deps, make_showtime, user_id):
    showtime = await make_showtime()
    async with InventoryClient("127.0.0.1", 9, timeout_seconds=0.5) as dead:  # discard port: refused
        deps = SagaDeps(GrpcSeatInventory(dead), saga_deps.payments, saga_deps.catalog)
        with pytest.raises(DependencyUnavailable):
            await pending(deps, user_id, showtime, ["B-1"])
    assert await Booking.find({"user_id": user_id}).count() == 0


async def test_restart_resumes_a_booking_charged_but_not_confirmed(gql, saga_deps, make_showtime, user_id):
    showtime = await make_showtime()
    booking = await pending(saga_deps, user_id, showtime, ["B-2", "B-3"])
    # the service charged, then crashed before recording the payment or selling the seats
    await saga_deps.payments.charge(
        booking.id, booking.user_id, booking.amount, booking.currency, "tok_visa_success"
    )
    await crash_into(booking.id, status="CONFIRMING")

    outcomes = await recover_bookings(saga_deps, stale_after=timedelta(0))

    assert outcomes["CONFIRMED"] >= 1
    stored = await Booking.get(booking.id)
    assert stored.status == Status.CONFIRMED and stored.payment_id
    assert {k: v for k, v in (await states(gql, showtime)).items() if k in ("B-2", "B-3")} == {
        "B-2": "SOLD",
        "B-3": "SOLD",
    }


async def test_restart_returns_an_uncharged_booking_to_pending(gql, saga_deps, make_showtime, user_id):
    showtime = await make_showtime()
    booking = await pending(saga_deps, user_id, showtime, ["B-4"])
    await crash_into(booking.id, status="CONFIRMING")
    await recover_bookings(saga_deps, stale_after=timedelta(0))
    assert (await Booking.get(booking.id)).status == Status.PENDING
    assert await payments_of(saga_deps, booking) is None
    confirmed = await confirm_booking(saga_deps, await Booking.get(booking.id), "tok_visa_success")
    assert confirmed.status == Status.CONFIRMED


async def test_restart_finishes_an_interrupted_cancellation(gql, saga_deps, make_showtime, user_id):
    showtime = await make_showtime()
    booking = await pending(saga_deps, user_id, showtime, ["B-5"])
    confirmed = await confirm_booking(saga_deps, booking, "tok_visa_success")
    await crash_into(booking.id, status="CANCELLING")
    await recover_bookings(saga_deps, stale_after=timedelta(0))
    stored = await Booking.get(confirmed.id)
    assert stored.status == Status.CANCELLED and stored.refund_id
    assert (await states(gql, showtime))["B-5"] == "AVAILABLE"


async def test_sweep_expires_a_pending_booking_whose_hold_lapsed(gql, saga_deps, make_showtime, user_id):
    showtime = await make_showtime()
    booking = await pending(saga_deps, user_id, showtime, ["A-8"], ttl=1)
    await asyncio.sleep(1.3)
    await recover_bookings(saga_deps, stale_after=timedelta(0))
    stored = await Booking.get(booking.id)
    assert stored.status == Status.EXPIRED
    assert [event.type for event in stored.outbox] == ["booking.created", "booking.expired"]


async def test_payment_down_leaves_no_charge_and_recovery_reopens(
    gql, saga_deps, booking_settings, make_showtime, user_id
):
    showtime = await make_showtime()
    booking = await pending(saga_deps, user_id, showtime, ["A-10"])
    async with PaymentClient("http://127.0.0.1:9", timeout=0.5) as dead:
        token = ServiceToken(booking_settings, "booking", audience="payment")
        deps = replace(saga_deps, payments=ClientPayments(dead, token))
        with pytest.raises(DependencyUnavailable):
            await confirm_booking(deps, booking, "tok_visa_success")
    assert (await Booking.get(booking.id)).status == Status.CONFIRMING  # outcome unknown: nothing undone yet
    await recover_bookings(saga_deps, stale_after=timedelta(0))
    assert (await Booking.get(booking.id)).status == Status.PENDING
    assert await payments_of(saga_deps, booking) is None


async def test_inventory_down_after_charge_is_finished_by_recovery(gql, saga_deps, make_showtime, user_id):
    showtime = await make_showtime()
    booking = await pending(saga_deps, user_id, showtime, ["B-10"])
    async with InventoryClient("127.0.0.1", 9, timeout_seconds=0.5) as dead:
        deps = replace(saga_deps, inventory=GrpcSeatInventory(dead))
        with pytest.raises(DependencyUnavailable):
            await confirm_booking(deps, booking, "tok_visa_success")
    stored = await Booking.get(booking.id)
    assert stored.status == Status.CONFIRMING and stored.payment_id  # charged, seats not yet sold
    await recover_bookings(saga_deps, stale_after=timedelta(0))
    assert (await Booking.get(booking.id)).status == Status.CONFIRMED
    assert (await states(gql, showtime))["B-10"] == "SOLD"


async def test_no_cancellation_once_the_show_started(gql, saga_deps, make_showtime, user_id):
    showtime = await make_showtime()
    booking = await confirm_booking(
        saga_deps, await pending(saga_deps, user_id, showtime, ["B-8"]), "tok_visa_success"
    )
    await crash_into(booking.id, starts_at=datetime.now(UTC) - timedelta(minutes=5))
    with pytest.raises(BookingProblem) as outcome:
        await cancel_booking(saga_deps, await Booking.get(booking.id))
    assert outcome.value.code == "TOO_LATE_TO_CANCEL"
    assert (await Booking.get(booking.id)).status == Status.CONFIRMED
