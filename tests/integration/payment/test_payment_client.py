"""The client the booking service imports, against the real app: models out, typed errors."""

import uuid

import httpx
import pytest

from handlers.payment.app import create_app
from handlers.payment.client import (
    PaymentClient,
    PaymentDeclined,
    PaymentNotFound,
    PaymentRejected,
    PaymentUnauthorized,
    PaymentUnavailable,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def client(payment_settings, payment_db):
    transport = httpx.ASGITransport(app=create_app(payment_settings))
    async with PaymentClient("http://payment.test", transport=transport) as payments:
        yield payments


@pytest.fixture
def token(alice) -> str:
    return alice["Authorization"].removeprefix("Bearer ")


async def test_charge_list_refund_round_trip(client, token, booking_id):
    payment = await client.create_payment(token, booking_id, 2400, "EUR", "tok_visa_success", booking_id)
    again = await client.create_payment(token, booking_id, 2400, "EUR", "tok_visa_success", booking_id)
    assert payment == again and payment.status == "succeeded"
    assert [p.id for p in await client.get_payments_for_booking(token, booking_id)] == [payment.id]
    refund = await client.refund(token, payment.id, f"{booking_id}-refund", amount=400)
    assert refund.amount == 400
    assert (await client.get_payment(token, payment.id)).refunded_amount == 400
    with pytest.raises(PaymentRejected) as rejected:
        await client.refund(token, payment.id, f"{booking_id}-refund-2", amount=5000)
    assert rejected.value.status == 422 and rejected.value.problem["refundable_amount"] == 2000


async def test_declined_payment_raises_with_the_stored_payment(client, token, booking_id):
    with pytest.raises(PaymentDeclined) as declined:
        await client.create_payment(token, booking_id, 100, "EUR", "tok_insufficient_funds", booking_id)
    assert declined.value.reason == "insufficient_funds" and declined.value.payment.booking_id == booking_id


async def test_typed_errors(client, token, mint):
    with pytest.raises(PaymentNotFound):
        await client.get_payment(token, f"pay_{uuid.uuid4().hex}")
    with pytest.raises(PaymentUnauthorized):
        await client.get_payment("not-a-jwt", f"pay_{uuid.uuid4().hex}")
    with pytest.raises(PaymentRejected):
        await client.create_payment(token, "b", 100, "EUR", "tok_unknown_card", uuid.uuid4().hex)


async def test_unreachable_service_is_unavailable(token):
    async with PaymentClient("http://127.0.0.1:9", timeout=1) as unreachable:
        with pytest.raises(PaymentUnavailable):
            await unreachable.get_payments_for_booking(token, "b")

    def broken(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={"type": "about:blank", "title": "down", "status": 503})

    async with PaymentClient("http://p", transport=httpx.MockTransport(broken)) as down:
        with pytest.raises(PaymentUnavailable) as error:
            await down.get_payment(token, "pay_x")
        assert error.value.status == 503
