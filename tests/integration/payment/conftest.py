"""Payment service against real FerretDB: its own database ``payments_test``, the app in-process."""

import uuid

import httpx
import pytest

from handlers.common.signing import sign_token
from handlers.payment.app import connect, create_app
from handlers.payment.settings import PaymentSettings
from tests.integration.mongo_databases import emptied_database


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
    """``mint(user_id, role)`` -> an Authorization header with a real RS256 token."""

    def header(user_id: str, role: str = "user") -> dict[str, str]:
        return {"Authorization": "Bearer " + sign_token(payment_settings, user_id, role, 900)}

    return header


@pytest.fixture
def alice(mint) -> dict[str, str]:
    return mint(f"usr_alice_{uuid.uuid4().hex[:8]}")


@pytest.fixture
def booking_id() -> str:
    return f"bkg_{uuid.uuid4().hex}"


@pytest.fixture
def charge(payment_api, booking_id):
    """``await charge(auth, **overrides)`` -> the response of one POST /payments with a fresh key."""

    async def post(auth: dict, key: str | None = None, **overrides):
        body = {
            "amount": 2400,
            "currency": "EUR",
            "payment_token": "tok_visa_success",
            "booking_id": booking_id,
        }
        headers = {**auth, "Idempotency-Key": key or uuid.uuid4().hex}
        return await payment_api.post("/payments", json={**body, **overrides}, headers=headers)

    return post
