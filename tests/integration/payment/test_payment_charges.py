"""Charges: test tokens, idempotency under concurrency, transaction log and events."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("token", "status", "reason", "event"),
    [
        ("tok_visa_success", "succeeded", None, "payment.succeeded"),
        ("tok_mastercard_success", "succeeded", None, "payment.succeeded"),
        ("tok_card_declined", "failed", "card_declined", "payment.failed"),
        ("tok_insufficient_funds", "failed", "insufficient_funds", "payment.failed"),
        ("tok_expired_card", "failed", "expired_card", "payment.failed"),
        ("tok_timeout", "failed", "processor_timeout", "payment.failed"),
    ],
)
async def test_test_tokens_have_documented_outcomes(charge, alice, payment_db, token, status, reason, event):
    response = await charge(alice, payment_token=token)
    assert response.status_code == 201, response.text
    payment = response.json()
    assert (payment["status"], payment["failure_reason"]) == (status, reason)
    stored = await payment_db["payments"].find_one({"_id": payment["id"]})
    [recorded] = stored["outbox"]
    assert recorded["type"] == event and stored["outbox_pending"] == [recorded["event_id"]]
    expected = {k: payment[k] for k in ("booking_id", "user_id", "amount", "currency")}
    assert recorded["data"] == {
        "payment_id": payment["id"],
        **expected,
        **({"reason": reason} if reason else {}),
    }
    [logged] = await payment_db["transaction_log"].find({"payment_id": payment["id"]}).to_list()
    assert (
        logged["kind"] == "charge"
        and logged["approved"] is (status == "succeeded")
        and logged["reason"] == reason
    )


async def test_unknown_token_is_422_and_charges_nothing(charge, alice, payment_db, booking_id):
    response = await charge(alice, payment_token="tok_made_up")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert await payment_db["payments"].count_documents({"booking_id": booking_id}) == 0


async def test_fifty_concurrent_requests_with_one_key_charge_once(charge, alice, payment_db, booking_id):
    key = uuid.uuid4().hex
    responses = await asyncio.gather(*(charge(alice, key=key) for _ in range(50)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert len({r.text for r in responses}) == 1  # byte-identical answers
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 49
    [payment] = await payment_db["payments"].find({"booking_id": booking_id}).to_list()
    assert await payment_db["transaction_log"].count_documents({"payment_id": payment["_id"]}) == 1
    assert len(payment["outbox"]) == 1


async def test_a_slow_first_request_is_awaited_by_the_retry(charge, alice, payment_db, booking_id):
    key = uuid.uuid4().hex
    first, retry = await asyncio.gather(
        charge(alice, key=key, payment_token="tok_timeout"),
        charge(alice, key=key, payment_token="tok_timeout"),
    )
    assert first.json() == retry.json() and first.json()["failure_reason"] == "processor_timeout"
    assert await payment_db["payments"].count_documents({"booking_id": booking_id}) == 1


async def test_same_key_with_another_body_is_422(charge, alice):
    key = uuid.uuid4().hex
    assert (await charge(alice, key=key)).status_code == 201
    other = await charge(alice, key=key, amount=1)
    assert other.status_code == 422 and "Idempotency-Key" in other.json()["detail"]
    assert other.json()["type"] == "https://cinemesh.dev/problems/idempotency-key-reused"


async def test_a_key_belongs_to_the_caller_not_to_the_customer(
    charge, alice, customer, payment_db, booking_id
):
    """Every charge comes from the booking service, so one key charging another customer is a reuse."""
    key = uuid.uuid4().hex
    assert (await charge(alice, key=key)).status_code == 201
    reused = await charge(customer(), key=key)
    assert reused.status_code == 422 and "Idempotency-Key" in reused.json()["detail"]
    assert await payment_db["payments"].count_documents({"booking_id": booking_id}) == 1


async def test_a_failed_processor_answer_is_replayed_not_retried(charge, alice, payment_db, booking_id):
    key = uuid.uuid4().hex
    first = await charge(alice, key=key, payment_token="tok_card_declined")
    again = await charge(alice, key=key, payment_token="tok_card_declined")
    assert first.json() == again.json() and again.headers["Idempotent-Replayed"] == "true"
    assert await payment_db["transaction_log"].count_documents({"payment_id": first.json()["id"]}) == 1


VALID = b'"currency": "EUR", "payment_token": "tok_visa_success", "booking_id": "b", "user_id": "u"'


@pytest.mark.parametrize(
    ("headers", "content"),
    [
        ({}, b'{"amount": 1, ' + VALID + b"}"),
        ({"Idempotency-Key": "k"}, b'{"amount": 1, "currency": "EUR"'),
        ({"Idempotency-Key": "k"}, b'{"amount": "\xff"}'),
        ({"Idempotency-Key": "k"}, b'{"amount": 1, ' + VALID + b', "paid_by": "usr_other"}'),
        ({"Idempotency-Key": "k"}, b'{"amount": 1, "currency": "EUR", "payment_token": "tok_visa_success"}'),
        ({"Idempotency-Key": "k"}, b'{"amount": 0, ' + VALID + b"}"),
        ({"Idempotency-Key": "not a key!"}, b'{"amount": 1, ' + VALID + b"}"),
    ],
    ids=["no key", "truncated", "not utf-8", "unknown field", "no booking or user", "zero amount", "bad key"],
)
async def test_bad_requests_are_400_problems(payment_api, booking_service, headers, content):
    response = await payment_api.post(
        "/payments",
        content=content,
        headers={**booking_service, **headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


async def test_health(payment_api):
    assert (await payment_api.get("/health")).json() == {"status": "ok"}


async def test_wrong_method_lists_every_allowed_one(payment_api):
    response = await payment_api.delete("/payments")
    assert response.status_code == 405 and response.headers["allow"] == "GET, HEAD, POST"
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_charge_whose_process_died_before_answering_is_not_charged_twice(
    charge, alice, payment_db, booking_id
):
    key = uuid.uuid4().hex
    first = await charge(alice, key=key)
    assert first.status_code == 201, first.text
    # What a crash between storing the payment and storing the response leaves behind:
    abandoned = {"state": "in_progress", "status_code": None, "response": None}
    abandoned["created_at"] = datetime.now(UTC) - timedelta(minutes=5)
    await payment_db["idempotency_keys"].update_one({"key": key}, {"$set": abandoned})
    retried = await charge(alice, key=key)
    assert retried.status_code == 201, retried.text
    assert retried.json()["id"] == first.json()["id"]
    assert await payment_db["payments"].count_documents({"booking_id": booking_id}) == 1
    assert await payment_db["transaction_log"].count_documents({"payment_id": first.json()["id"]}) == 1
