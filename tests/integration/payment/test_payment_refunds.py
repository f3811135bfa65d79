"""Refunds: full and partial, bounded by the captured amount even when they race, idempotent."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
async def payment(charge, alice) -> dict:
    response = await charge(alice, amount=2400)
    assert response.status_code == 201
    return response.json()


@pytest.fixture
def refund(refund_of, payment):
    """``await refund(key=None, payment_id=None, **body)``: the booking service refunds ``payment``."""

    async def post(key: str | None = None, payment_id: str | None = None, **body):
        return await refund_of(payment_id or payment["id"], key, **body)

    return post


async def test_partial_then_rest_then_nothing(refund, payment_api, alice, payment, payment_db):
    first = await refund(amount=1000, reason="one seat")
    assert first.status_code == 201 and first.json()["amount"] == 1000
    too_much = await refund(amount=1401)
    assert too_much.status_code == 422 and too_much.json()["refundable_amount"] == 1400
    rest = await refund()
    assert rest.status_code == 201 and rest.json()["amount"] == 1400
    assert (await refund()).status_code == 422
    shown = (await payment_api.get(f"/payments/{payment['id']}", headers=alice.headers)).json()
    assert shown["refunded_amount"] == 2400 and [r["amount"] for r in shown["refunds"]] == [1000, 1400]
    ledger = await payment_db["refunds"].find({"payment_id": payment["id"]}).sort("sequence").to_list()
    assert [entry["outbox"][0]["type"] for entry in ledger] == ["payment.refunded"] * 2
    assert [entry["outbox"][0]["data"]["amount"] for entry in ledger] == [1000, 1400]
    assert ledger[0]["outbox"][0]["data"]["refund_id"] == first.json()["id"]
    assert (
        await payment_db["transaction_log"].count_documents({"payment_id": payment["id"], "kind": "refund"})
        == 2
    )


async def test_racing_refunds_never_exceed_the_captured_amount(refund, payment_api, alice, payment):
    responses = await asyncio.gather(*(refund(amount=700) for _ in range(10)))
    assert sorted(r.status_code for r in responses) == [201] * 3 + [422] * 7
    shown = (await payment_api.get(f"/payments/{payment['id']}", headers=alice.headers)).json()
    assert shown["refunded_amount"] == 2100


async def test_refund_is_idempotent_by_key(refund, payment_api, alice, payment):
    key = uuid.uuid4().hex
    responses = await asyncio.gather(*(refund(key=key, amount=500) for _ in range(10)))
    assert len({r.text for r in responses}) == 1 and responses[0].status_code == 201
    assert (await refund(key=key, amount=600)).status_code == 422
    shown = (await payment_api.get(f"/payments/{payment['id']}", headers=alice.headers)).json()
    assert shown["refunded_amount"] == 500


async def test_a_failed_payment_cannot_be_refunded(charge, refund, alice):
    declined = (await charge(alice, payment_token="tok_card_declined")).json()
    response = await refund(payment_id=declined["id"])
    assert response.status_code == 409 and response.json()["payment_status"] == "failed"


async def test_refund_of_an_unknown_payment_is_404(refund):
    assert (await refund(payment_id=f"pay_{uuid.uuid4().hex}")).status_code == 404


async def test_a_refund_whose_process_died_before_answering_is_not_made_twice(
    refund, payment_api, alice, payment, payment_db
):
    key = uuid.uuid4().hex
    first = await refund(key=key, amount=500)
    assert first.status_code == 201, first.text
    # What a crash between storing the refund and storing the response leaves behind:
    abandoned = {"state": "in_progress", "status_code": None, "response": None}
    abandoned["created_at"] = datetime.now(UTC) - timedelta(minutes=5)
    await payment_db["idempotency_keys"].update_one({"key": key}, {"$set": abandoned})
    retried = await refund(key=key, amount=500)
    assert retried.status_code == 201, retried.text
    assert retried.json()["id"] == first.json()["id"]
    shown = (await payment_api.get(f"/payments/{payment['id']}", headers=alice.headers)).json()
    assert shown["refunded_amount"] == 500
