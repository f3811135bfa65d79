"""Who reads what: a user reads only their own payments (IDOR is a 404), admins and the booking
service read all; charging and refunding are the booking service's alone."""

import uuid

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
async def alices_payment(charge, alice) -> dict:
    response = await charge(alice)
    assert response.status_code == 201, response.text
    return response.json()


async def test_the_owner_reads_her_payment_and_lists_it_by_booking(
    payment_api, alice, alices_payment, booking_id
):
    shown = await payment_api.get(f"/payments/{alices_payment['id']}", headers=alice.headers)
    assert shown.status_code == 200 and shown.json() == alices_payment
    assert shown.json()["user_id"] == alice.user_id
    listed = await payment_api.get("/payments", params={"booking_id": booking_id}, headers=alice.headers)
    assert listed.json()["items"] == [alices_payment]


async def test_another_users_payment_is_404(payment_api, mint, alices_payment):
    response = await payment_api.get(f"/payments/{alices_payment['id']}", headers=mint("usr_mallory"))
    assert response.status_code == 404
    missing = await payment_api.get(f"/payments/pay_{uuid.uuid4().hex}", headers=mint("usr_mallory"))
    assert response.json()["title"] == missing.json()["title"]  # no hint that it exists


async def test_a_users_token_cannot_refund_even_the_owners(payment_api, mint, alice, alices_payment):
    for headers in (mint("usr_mallory"), alice.headers):
        response = await payment_api.post(
            f"/payments/{alices_payment['id']}/refunds",
            json={},
            headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
        )
        assert response.status_code == 403, response.text
    shown = await payment_api.get(f"/payments/{alices_payment['id']}", headers=alice.headers)
    assert shown.json()["refunded_amount"] == 0


async def test_listing_by_booking_shows_only_own_payments(
    payment_api, charge, alice, customer, mint, booking_id
):
    await charge(customer("usr_mallory"))  # same booking id, another user
    mine = await payment_api.get("/payments", params={"booking_id": booking_id}, headers=alice.headers)
    assert mine.status_code == 200 and len(mine.json()["items"]) == 0
    await charge(alice)
    mine = await payment_api.get("/payments", params={"booking_id": booking_id}, headers=alice.headers)
    assert [p["booking_id"] for p in mine.json()["items"]] == [booking_id]
    everyone = await payment_api.get(
        "/payments", params={"booking_id": booking_id}, headers=mint("a", "admin")
    )
    assert len(everyone.json()["items"]) == 2


async def test_admin_and_the_booking_service_read_any_payment(
    payment_api, mint, booking_service, alices_payment, booking_id
):
    for headers in (mint("usr_admin", "admin"), booking_service):
        response = await payment_api.get(f"/payments/{alices_payment['id']}", headers=headers)
        assert response.status_code == 200 and response.json() == alices_payment
        listed = await payment_api.get("/payments", params={"booking_id": booking_id}, headers=headers)
        assert listed.json()["items"] == [alices_payment]


async def test_no_token_is_401(payment_api, alices_payment):
    response = await payment_api.get(f"/payments/{alices_payment['id']}")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
