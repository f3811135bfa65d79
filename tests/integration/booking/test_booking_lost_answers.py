"""A client that lost an answer calls again with the same booking (issue 12): no second charge or refund.

confirmBooking again after CONFIRMED returns the booking; while the first confirmation's charge
is in flight it answers IN_PROGRESS; after a confirmation cut off mid-charge (its process died,
or payment did not answer) it looks the payment up and finishes with it. cancelBooking again
returns the CANCELLED booking, and one cut off after its refund finishes without a second one, even
when the recovery sweep finishes that cancellation at the same moment.
"""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from generated.graphql_client.operations import CONFIRM_BOOKING_GQL
from handlers.booking.cancellation import cancel_booking
from handlers.booking.confirmation import confirm_booking
from handlers.booking.creation import create_booking
from handlers.booking.models import Booking, Status
from handlers.booking.recovery import recover_booking
from handlers.payment.models import Payment, Refund
from tests.integration.booking.conftest import GraphQLClient, crash_into, mint_token, until
from tests.integration.booking.queries import booking_api

pytestmark = pytest.mark.integration


async def pending(saga_deps, user_id: str, showtime: str, seats: list[str]) -> Booking:
    return await create_booking(
        saga_deps.inventory, saga_deps.catalog, user_id, showtime, seats, uuid.uuid4().hex, 600
    )


async def charges(booking_id: str) -> list[Payment]:
    return await Payment.find({"booking_id": booking_id}).to_list()


async def test_confirm_again_after_confirmed_returns_the_booking(gql, saga_deps, make_showtime, user_id):
    api = booking_api(gql)
    booking = await pending(saga_deps, user_id, await make_showtime(), ["A-1"])
    first = await api.confirm_booking(booking_id=booking.id, payment_token="tok_visa_success")
    again = await api.confirm_booking(booking_id=booking.id, payment_token="tok_mastercard_success")
    assert again == first and again.booking.status == "CONFIRMED"
    assert [payment.id for payment in await charges(booking.id)] == [first.booking.payment_id]


async def test_confirm_again_while_the_charge_is_in_flight_is_in_progress(
    saga_deps, slow_booking_url, make_showtime, user_id
):
    api = booking_api(GraphQLClient(slow_booking_url, mint_token(user_id)))
    booking = await pending(saga_deps, user_id, await make_showtime(), ["A-2"])
    first = asyncio.create_task(api.confirm_booking(booking_id=booking.id, payment_token="tok_visa_success"))

    async def charging() -> bool:
        return (await Booking.get(booking.id)).status == "CONFIRMING"

    await until(charging)
    again = await api.confirm_booking(booking_id=booking.id, payment_token="tok_visa_success")
    assert (again.error.code, again.booking.status) == ("IN_PROGRESS", "CONFIRMING")
    assert (await first).booking.status == "CONFIRMED"
    assert len(await charges(booking.id)) == 1


async def test_confirm_again_after_a_crash_mid_charge_resumes_with_the_charge_made(
    gql, saga_deps, make_showtime, user_id
):
    api = booking_api(gql)
    booking = await pending(saga_deps, user_id, await make_showtime(), ["A-3", "A-4"])
    # the process charged, then died before recording the payment or selling the seats
    charged = await saga_deps.payments.charge(
        booking.id, booking.user_id, booking.amount, booking.currency, "tok_visa_success"
    )
    lease = datetime.now(UTC) + timedelta(minutes=1)
    await crash_into(booking.id, status="CONFIRMING", lease_until=lease)

    held = await api.confirm_booking(booking_id=booking.id, payment_token="tok_mastercard_success")
    assert held.error.code == "IN_PROGRESS"  # the dead process's lease has not run out yet
    await crash_into(booking.id, lease_until=datetime.now(UTC) - timedelta(seconds=1))
    resumed = await api.confirm_booking(booking_id=booking.id, payment_token="tok_mastercard_success")

    assert resumed.error is None, resumed
    assert (resumed.booking.status, resumed.booking.payment_id) == (
        "CONFIRMED",
        charged.payment_id,
    )
    assert [payment.id for payment in await charges(booking.id)] == [charged.payment_id]


async def test_payment_down_is_a_503_to_retry_and_the_retry_confirms_at_once(
    gql, saga_deps, payment_down_booking_url, make_showtime, user_id
):
    booking = await pending(saga_deps, user_id, await make_showtime(), ["A-5"])
    async with httpx.AsyncClient(timeout=30) as http:
        down = await http.post(
            f"{payment_down_booking_url}/graphql",
            json={
                "query": CONFIRM_BOOKING_GQL,
                "variables": {"bookingId": booking.id, "paymentToken": "tok_visa_success"},
            },
            headers={"Authorization": f"Bearer {gql.token}"},
        )
    assert down.status_code == 503 and int(down.headers["retry-after"]) > 0, down.text
    assert [error["extensions"]["code"] for error in down.json()["errors"]] == ["SERVICE_UNAVAILABLE"]
    stored = await Booking.get(booking.id)
    assert (
        stored.status == Status.CONFIRMING and stored.lease_until is None
    )  # outcome unknown, lease given up

    again = await booking_api(gql).confirm_booking(booking_id=booking.id, payment_token="tok_visa_success")
    assert again.error is None and again.booking.status == "CONFIRMED", again
    assert len(await charges(booking.id)) == 1


async def test_cancel_again_never_refunds_twice(gql, saga_deps, make_showtime, user_id):
    booking = await pending(saga_deps, user_id, await make_showtime(), ["B-1"])
    confirmed = await confirm_booking(saga_deps, booking, "tok_visa_success")
    # cut off after the refund, before it was recorded
    await saga_deps.payments.refund(confirmed.payment_id)
    await crash_into(booking.id, status="CANCELLING")

    api = booking_api(gql)
    first = await api.cancel_booking(id=booking.id)
    again = await api.cancel_booking(id=booking.id)

    assert first.error is None and first.booking.status == "CANCELLED"
    assert again == first
    refunds = await Refund.find({"payment_id": confirmed.payment_id}).to_list()
    assert [refund.amount for refund in refunds] == [booking.amount]


async def test_cancel_again_while_recovery_finishes_it_returns_the_cancelled_booking(
    booking_url, saga_deps, make_showtime, user_id
):
    """Found by the fault suite (PostgreSQL restarted, run 3): a cancellation cut off in CANCELLING,
    the client's retry and the recovery sweep finishing it at once; the retry, which lost the last
    write, answered CONFLICT "changed concurrently; retry" for a booking cancelled as asked. The
    schedule here: both read the booking, the sweep writes first."""
    booking = await pending(saga_deps, user_id, await make_showtime(), ["B-2"])
    confirmed = await confirm_booking(saga_deps, booking, "tok_visa_success")
    await crash_into(booking.id, status="CANCELLING")
    cut_off = await Booking.get(booking.id)

    swept = await recover_booking(saga_deps, cut_off)
    retried = await cancel_booking(saga_deps, cut_off)

    assert (retried.status, swept) == (Status.CANCELLED, "CANCELLED")
    assert retried == await Booking.get(booking.id)
    refunds = await Refund.find({"payment_id": confirmed.payment_id}).to_list()
    assert [refund.amount for refund in refunds] == [booking.amount]
