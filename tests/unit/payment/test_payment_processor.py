"""The simulated processor and idempotency fingerprints (no services)."""

import time

import pytest

from handlers.common.problems import Unprocessable
from handlers.payment.idempotency import fingerprint, problem_body
from handlers.payment.processor import TEST_TOKENS, SimulatedProcessor

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("token", "approved", "reason"),
    [
        ("tok_visa_success", True, None),
        ("tok_mastercard_success", True, None),
        ("tok_card_declined", False, "card_declined"),
        ("tok_insufficient_funds", False, "insufficient_funds"),
        ("tok_expired_card", False, "expired_card"),
        ("tok_timeout", False, "processor_timeout"),
    ],
)
async def test_each_test_token_is_deterministic(token, approved, reason):
    processor = SimulatedProcessor(timeout_seconds=0.05)
    for _ in range(3):
        outcome = await processor.charge(token)
        assert (outcome.approved, outcome.reason) == (approved, reason)
        assert (outcome.reference or "").startswith("ch_") is approved


async def test_timeout_answers_after_the_configured_timeout():
    processor = SimulatedProcessor(timeout_seconds=0.2)
    started = time.monotonic()
    assert (await processor.charge("tok_timeout")).reason == "processor_timeout"
    assert 0.2 <= time.monotonic() - started < 1.0


async def test_latency_is_added_and_counts_against_the_timeout():
    started = time.monotonic()
    assert (await SimulatedProcessor(latency_seconds=0.1).charge("tok_visa_success")).approved
    assert time.monotonic() - started >= 0.1
    slow = SimulatedProcessor(latency_seconds=0.5, timeout_seconds=0.1)
    assert (await slow.charge("tok_visa_success")).reason == "processor_timeout"


def test_unknown_tokens_are_not_known():
    assert SimulatedProcessor.knows("tok_visa_success") and not SimulatedProcessor.knows("tok_nope")
    assert set(TEST_TOKENS) >= {
        "tok_visa_success",
        "tok_card_declined",
        "tok_insufficient_funds",
        "tok_timeout",
    }


def test_fingerprint_ignores_key_order_but_not_values():
    assert fingerprint({"a": 1, "b": [1, 2]}) == fingerprint({"b": [1, 2], "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})


def test_problem_body_carries_extensions():
    body = problem_body(Unprocessable("too much", refundable_amount=5))
    assert body == {
        "type": "https://cinemesh.dev/problems/unprocessable",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": "too much",
        "refundable_amount": 5,
    }
