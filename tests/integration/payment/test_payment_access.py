"""Ownership: a user sees and refunds only their own payments (IDOR); admins see all."""

import uuid

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
async def alices_payment(charge, alice) -> dict:
    return (await charge(alice)).json()


async def test_another_users_payment_is_404(payment_api, mint, alices_payment):
    response = await payment_api.get(f"/payments/{alices_payment['id']}", headers=mint("usr_mallory"))
    assert response.status_code == 404
    missing = await payment_api.get(f"/payments/pay_{uuid.uuid4().hex}", headers=mint("usr_mallory"))
    assert response.json()["title"] == missing.json()["title"]  # no hint that it exists


async def test_another_users_payment_cannot_be_refunded(payment_api, mint, alices_payment):
    response = await payment_api.post(
        f"/payments/{alices_payment['id']}/refunds",
        json={},
        headers={**mint("usr_mallory"), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 404
    shown = await payment_api.get(f"/payments/{alices_payment['id']}", headers=mint("admin_1", "admin"))
    assert shown.json()["refunded_amount"] == 0


async def test_listing_by_booking_shows_only_own_payments(payment_api, charge, alice, mint, booking_id):
    await charge(mint("usr_mallory"))  # same booking id, another user
    mine = await payment_api.get("/payments", params={"booking_id": booking_id}, headers=alice)
    assert mine.status_code == 200 and len(mine.json()["items"]) == 0
    await charge(alice)
    mine = await payment_api.get("/payments", params={"booking_id": booking_id}, headers=alice)
    assert [p["booking_id"] for p in mine.json()["items"]] == [booking_id]
    everyone = await payment_api.get(
        "/payments", params={"booking_id": booking_id}, headers=mint("a", "admin")
    )
    assert len(everyone.json()["items"]) == 2


async def test_admin_reads_any_payment(payment_api, mint, alices_payment):
    response = await payment_api.get(f"/payments/{alices_payment['id']}", headers=mint("usr_admin", "admin"))
    assert response.status_code == 200 and response.json() == alices_payment


async def test_no_token_is_401(payment_api, alices_payment):
    response = await payment_api.get(f"/payments/{alices_payment['id']}")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
