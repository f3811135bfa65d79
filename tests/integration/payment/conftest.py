"""Payment service against real FerretDB: its own database ``payments_test``, the app in-process.

Charges and refunds are made with the booking service's own token (``booking_service``), for a
customer named in the body; customers read their payments with their own token.
"""

import uuid
from dataclasses import dataclass

import httpx
import pytest

from handlers.common.signing import sign_service_token, sign_token
from handlers.payment.app import connect, create_app
from handlers.payment.settings import PaymentSettings
from tests.integration.mongo_databases import emptied_database


@dataclass(frozen=True)
class Customer:
    user_id: str
    headers: dict[str, str]  # the customer's own Authorization header, for reading


@pytest.fixture(scope="module")
def payment_settings() -> PaymentSettings:
    return PaymentSettings(
        mongo_db="payments_test",
        validate_responses=True,
        outbox_relay=False,
        processor_latency_ms=20,
        processor_timeout_seconds=0.3,
        idempotency_wait_seconds=5,
    )


@pytest.fixture(scope="module")
async def payment_db(payment_settings):
    async for database in emptied_database(lambda: connect(payment_settings), payment_settings.mongo_db):
        yield database


@pytest.fixture(scope="module")
async def payment_api(payment_settings, payment_db):
    transport = httpx.ASGITransport(app=create_app(payment_settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://payment.test") as client:
        yield client


@pytest.fixture(scope="module")
def mint(payment_settings):
    """``mint(user_id, role)`` -> an Authorization header with a real RS256 user token."""

    def header(user_id: str, role: str = "user") -> dict[str, str]:
        return {"Authorization": "Bearer " + sign_token(payment_settings, user_id, role, 900)}

    return header


@pytest.fixture(scope="module")
def booking_service(payment_settings) -> dict[str, str]:
    """The booking service's Authorization header: the only caller that may charge and refund."""
    return {"Authorization": "Bearer " + sign_service_token(payment_settings, "booking", "payment", 900)}


@pytest.fixture(scope="module")
def customer(mint):
    """``customer(user_id)`` -> a ``Customer`` (a fresh user id when none is given)."""

    def make(user_id: str | None = None, role: str = "user") -> Customer:
        user_id = user_id or f"usr_{uuid.uuid4().hex[:12]}"
        return Customer(user_id, mint(user_id, role))

    return make


@pytest.fixture
def alice(customer) -> Customer:
    return customer(f"usr_alice_{uuid.uuid4().hex[:8]}")


@pytest.fixture
def booking_id() -> str:
    return f"bkg_{uuid.uuid4().hex}"


@pytest.fixture
def charge(payment_api, booking_service, booking_id):
    """``await charge(customer, **overrides)`` -> the booking service's POST /payments for
    ``customer``, with a fresh key unless one is given."""

    async def post(payer: Customer, key: str | None = None, **overrides):
        body = {
            "amount": 2400,
            "currency": "EUR",
            "payment_token": "tok_visa_success",
            "booking_id": booking_id,
            "user_id": payer.user_id,
        }
        headers = {**booking_service, "Idempotency-Key": key or uuid.uuid4().hex}
        return await payment_api.post("/payments", json={**body, **overrides}, headers=headers)

    return post


@pytest.fixture
def refund_of(payment_api, booking_service):
    """``await refund_of(payment_id, key=None, **body)`` -> the booking service's refund request."""

    async def post(payment_id: str, key: str | None = None, **body):
        return await payment_api.post(
            f"/payments/{payment_id}/refunds",
            json=body,
            headers={**booking_service, "Idempotency-Key": key or uuid.uuid4().hex},
        )

    return post
