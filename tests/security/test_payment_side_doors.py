"""Refund and keep the tickets; charge without a booking (issue 9, defects 3 and 4), attacked at the
payment service directly (in-process, real FerretDB).

Only the booking service, which checks the booking first, may charge or refund. A hostile client
with a genuine user token (its own, an admin's, one whose subject says ``service:booking``)
charges 1 XXX against another user's booking, or refunds a payment it owns: 403 problem+json.
Forged service tokens (the user key claiming ``service:booking``, booking's own token addressed to
another service): 401. Each time the processor is never asked and nothing is stored: the victim's
payment still succeeded, unrefunded, and every collection holds what it held.
"""

import time
import uuid

import jwt
import pytest

from handlers.common.doc_lock import LOCKS
from handlers.common.keys import load_signing_key
from handlers.common.signing import sign_service_token, sign_token
from handlers.payment.processor import SimulatedProcessor
from handlers.payment.settings import PaymentSettings
from tests.integration.payment.conftest import (  # noqa: F401 (fixtures)
    booking_service,
    customer,
    mint,
    payment_api,
    payment_db,
)

pytestmark = [pytest.mark.security, pytest.mark.integration]


@pytest.fixture(scope="module")
def payment_settings() -> PaymentSettings:
    return PaymentSettings(mongo_db="payments_side_doors_test", validate_responses=True, outbox_relay=False)


@pytest.fixture
def processor_calls(monkeypatch) -> list[str]:
    """Every charge or refund asked of the simulated processor."""
    calls: list[str] = []
    for operation in ("charge", "refund"):
        real = getattr(SimulatedProcessor, operation)

        async def spy(processor, *args, _real=real, _operation=operation, **kwargs):
            calls.append(_operation)
            return await _real(processor, *args, **kwargs)

        monkeypatch.setattr(SimulatedProcessor, operation, spy)
    return calls


@pytest.fixture
async def victim(payment_api, booking_service, customer):  # noqa: F811
    """A customer with a booking the booking service charged: (customer, booking id, payment)."""
    owner, booking_id = customer(), f"bkg_{uuid.uuid4().hex}"
    body = {
        "amount": 2400,
        "currency": "EUR",
        "payment_token": "tok_visa_success",
        "booking_id": booking_id,
        "user_id": owner.user_id,
    }
    headers = {**booking_service, "Idempotency-Key": booking_id}
    charged = await payment_api.post("/payments", json=body, headers=headers)
    assert charged.status_code == 201, charged.text
    return owner, booking_id, charged.json()


async def snapshot(payment_db) -> dict[str, list]:  # noqa: F811
    """Every document of the payment database (the processor's records included).

    Not the short-lived per-document mutexes (``document_locks``): another test's relay or shielded
    request may hold one for a moment; they are no state of the payments.
    """
    names = sorted(set(await payment_db.list_collection_names()) - {LOCKS})
    return {name: await payment_db[name].find().sort("_id").to_list() for name in names}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def forged_by_the_user_key(settings: PaymentSettings) -> str:
    """A service token for booking, signed with the user service's key instead of booking's."""
    kid, key = load_signing_key(settings.jwt_keys_dir, "user")
    now = int(time.time())
    claims = {"iss": "service:booking", "sub": "service:booking", "aud": "payment"}
    return jwt.encode({**claims, "iat": now, "exp": now + 300}, key, algorithm="RS256", headers={"kid": kid})


GENUINE_USERS = {
    "a user": lambda settings: sign_token(settings, "usr_attacker", "user", 300),
    "an admin": lambda settings: sign_token(settings, "usr_attacker_admin", "admin", 300),
    "a user named service:booking": lambda settings: sign_token(settings, "service:booking", "user", 300),
}
FORGED_SERVICES = {
    "the user key claiming service:booking": forged_by_the_user_key,
    "booking's token addressed to cinema": lambda settings: sign_service_token(
        settings, "booking", "cinema", 300
    ),
}


def attacks(booking_id: str, payment_id: str, attacker_id: str) -> dict[str, tuple[str, dict]]:
    """A charge of 1 XXX against the victim's booking (as 1.0.0 and 2.0.0 shape it), a full refund."""
    charge = {"amount": 1, "currency": "XXX", "payment_token": "tok_visa_success", "booking_id": booking_id}
    return {
        "charge the victim's booking": ("/payments", charge),
        "charge the victim's booking to oneself": ("/payments", {**charge, "user_id": attacker_id}),
        "refund the payment": (f"/payments/{payment_id}/refunds", {}),
    }


async def attack_and_assert_nothing_changed(
    payment_api,  # noqa: F811
    payment_db,  # noqa: F811
    processor_calls: list[str],
    victim,
    token: str,
    status: int,
) -> None:
    owner, booking_id, payment = victim
    before = await snapshot(payment_db)
    processor_calls.clear()  # the victim's own charge
    for name, (path, body) in attacks(booking_id, payment["id"], "usr_attacker").items():
        headers = {**bearer(token), "Idempotency-Key": uuid.uuid4().hex}
        response = await payment_api.post(path, json=body, headers=headers)
        assert response.status_code == status, (name, response.status_code, response.text)
        assert response.headers["content-type"] == "application/problem+json", name
    assert processor_calls == []
    assert await snapshot(payment_db) == before
    shown = (await payment_api.get(f"/payments/{payment['id']}", headers=owner.headers)).json()
    assert shown == payment and shown["status"] == "succeeded" and shown["refunded_amount"] == 0
    listed = await payment_api.get("/payments", params={"booking_id": booking_id}, headers=owner.headers)
    assert listed.json()["items"] == [payment]


@pytest.mark.parametrize("who", GENUINE_USERS)
async def test_a_genuine_user_token_neither_charges_nor_refunds(
    who,
    payment_api,  # noqa: F811
    payment_db,  # noqa: F811
    payment_settings,
    processor_calls,
    victim,
):
    token = GENUINE_USERS[who](payment_settings)
    await attack_and_assert_nothing_changed(payment_api, payment_db, processor_calls, victim, token, 403)


async def test_the_owner_cannot_refund_her_own_payment(
    payment_api,  # noqa: F811
    payment_db,  # noqa: F811
    processor_calls,
    victim,
):
    owner, _booking_id, payment = victim
    await attack_and_assert_nothing_changed(
        payment_api,
        payment_db,
        processor_calls,
        victim,
        owner.headers["Authorization"].removeprefix("Bearer "),
        403,
    )
    refused = await payment_api.post(
        f"/payments/{payment['id']}/refunds",
        json={},
        headers={**owner.headers, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert refused.json()["status"] == 403 and "service:booking" in refused.json()["detail"]


@pytest.mark.parametrize("forgery", FORGED_SERVICES)
async def test_a_forged_service_token_is_401(
    forgery,
    payment_api,  # noqa: F811
    payment_db,  # noqa: F811
    payment_settings,
    processor_calls,
    victim,
):
    token = FORGED_SERVICES[forgery](payment_settings)
    await attack_and_assert_nothing_changed(payment_api, payment_db, processor_calls, victim, token, 401)
