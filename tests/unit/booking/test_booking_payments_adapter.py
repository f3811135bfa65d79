"""How booking reads payment's answers to a charge, and that it always calls as itself."""

import httpx
import pytest

from handlers.booking.adapters.payments import KEY_REUSED, ClientPayments
from handlers.booking.errors import DependencyUnavailable
from handlers.booking.ports import ChargeInProgress, ChargeRefused
from handlers.payment.client import PaymentClient

pytestmark = pytest.mark.unit
PAYMENT = {
    "id": "pay_1",
    "booking_id": "b-1",
    "user_id": "u-1",
    "amount": 2400,
    "currency": "EUR",
    "status": "succeeded",
    "refunded_amount": 0,
    "refunds": [],
    "created_at": "2026-12-02T10:00:00Z",
}


def answering(status: int, body: dict, seen: list[httpx.Request]) -> ClientPayments:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=body)

    client = PaymentClient("http://payment", transport=httpx.MockTransport(handler))
    return ClientPayments(client, lambda: "booking-service-token")


async def test_a_charge_names_the_owner_uses_the_booking_as_key_and_the_service_token():
    seen: list[httpx.Request] = []
    payment = await answering(201, PAYMENT, seen).charge("b-1", "u-1", 2400, "EUR", "tok_visa_success")
    assert payment.captured and payment.pays_for(2400, "EUR", "u-1")
    assert not payment.pays_for(1, "XXX", "u-1") and not payment.pays_for(2400, "EUR", "u-2")
    [request] = seen
    assert request.headers["authorization"] == "Bearer booking-service-token"
    assert request.headers["idempotency-key"] == "b-1"
    assert b'"user_id":"u-1"' in request.content.replace(b" ", b"")


@pytest.mark.parametrize(
    ("status", "problem", "outcome"),
    [
        (422, {"type": KEY_REUSED, "detail": "key reused"}, ChargeInProgress),
        (409, {"detail": "still being processed"}, ChargeInProgress),
        (
            422,
            {"type": "https://cinemesh.dev/problems/unprocessable", "detail": "unknown token"},
            ChargeRefused,
        ),
        (403, {"detail": "forbidden"}, DependencyUnavailable),
        (503, {"detail": "down"}, DependencyUnavailable),
    ],
)
async def test_what_a_refused_charge_means(status, problem, outcome):
    with pytest.raises(outcome):
        await answering(status, problem, []).charge("b-1", "u-1", 2400, "EUR", "tok_visa_success")


async def test_a_refunded_capture_pays_for_nothing():
    refunded = {**PAYMENT, "refunded_amount": 2400}
    payment = await answering(200, {"items": [refunded]}, []).find_for_booking("b-1")
    assert payment.captured and not payment.pays_for(2400, "EUR", "u-1")
