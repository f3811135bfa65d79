"""The client the booking service imports, against the real app: models out, typed errors."""

import uuid

import httpx
import pytest

from handlers.payment.app import create_app
from handlers.payment.client import (
    PaymentClient,
    PaymentDeclined,
    PaymentForbidden,
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
def service_token(booking_service) -> str:
    return booking_service["Authorization"].removeprefix("Bearer ")


@pytest.fixture
def token(alice) -> str:
    return alice.headers["Authorization"].removeprefix("Bearer ")


async def test_charge_list_refund_round_trip(client, service_token, token, alice, booking_id):
    charge = (service_token, booking_id, 2400, "EUR", "tok_visa_success", booking_id, alice.user_id)
    payment = await client.create_payment(*charge)
    again = await client.create_payment(*charge)
    assert payment == again and payment.status == "succeeded" and payment.user_id == alice.user_id
    assert [p.id for p in await client.get_payments_for_booking(token, booking_id)] == [payment.id]
    refund = await client.refund(service_token, payment.id, f"{booking_id}-refund", amount=400)
    assert refund.amount == 400
    assert (await client.get_payment(token, payment.id)).refunded_amount == 400
    with pytest.raises(PaymentRejected) as rejected:
        await client.refund(service_token, payment.id, f"{booking_id}-refund-2", amount=5000)
    assert rejected.value.status == 422 and rejected.value.problem["refundable_amount"] == 2000


async def test_declined_payment_raises_with_the_stored_payment(client, service_token, alice, booking_id):
    with pytest.raises(PaymentDeclined) as declined:
        await client.create_payment(
            service_token, booking_id, 100, "EUR", "tok_insufficient_funds", booking_id, alice.user_id
        )
    assert declined.value.reason == "insufficient_funds" and declined.value.payment.booking_id == booking_id


async def test_typed_errors(client, service_token, token, alice):
    with pytest.raises(PaymentNotFound):
        await client.get_payment(token, f"pay_{uuid.uuid4().hex}")
    with pytest.raises(PaymentUnauthorized):
        await client.get_payment("not-a-jwt", f"pay_{uuid.uuid4().hex}")
    with pytest.raises(PaymentRejected):
        await client.create_payment(
            service_token, "b", 100, "EUR", "tok_unknown_card", uuid.uuid4().hex, alice.user_id
        )
    with pytest.raises(PaymentForbidden):  # a customer cannot charge herself, only the booking service can
        await client.create_payment(
            token, "b", 100, "EUR", "tok_visa_success", uuid.uuid4().hex, alice.user_id
        )


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
