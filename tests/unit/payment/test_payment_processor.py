"""The simulated processor and idempotency fingerprints (no services: an in-memory ledger)."""

import asyncio
import time
import uuid

import pytest

from handlers.common.problems import Unprocessable
from handlers.payment.idempotency import fingerprint, problem_body
from handlers.payment.processor import TEST_TOKENS, Operation, Outcome, SimulatedProcessor

pytestmark = pytest.mark.unit


class MemoryLedger:
    """The processor's memory in a dict: what ``MongoProcessorLedger`` keeps in MongoDB."""

    def __init__(self) -> None:
        self.records: dict[str, tuple[Operation, int | None, Outcome]] = {}

    async def answered(self, reference: str) -> Outcome | None:
        record = self.records.get(reference)
        return None if record is None else record[2]

    async def record(self, reference: str, operation: Operation, amount: int | None, outcome: Outcome):
        return self.records.setdefault(reference, (operation, amount, outcome))[2]


def processor(latency_seconds: float = 0.0, timeout_seconds: float = 2.0) -> SimulatedProcessor:
    return SimulatedProcessor(MemoryLedger(), latency_seconds, timeout_seconds)


def reference() -> str:
    return f"pay_{uuid.uuid4().hex}"


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
    simulated = processor(timeout_seconds=0.05)
    for _ in range(3):
        outcome = await simulated.charge(token, reference())
        assert (outcome.approved, outcome.reason) == (approved, reason)
        assert (outcome.reference or "").startswith("ch_") is approved


async def test_timeout_answers_after_the_configured_timeout():
    started = time.monotonic()
    assert (
        await processor(timeout_seconds=0.2).charge("tok_timeout", reference())
    ).reason == "processor_timeout"
    assert 0.2 <= time.monotonic() - started < 1.0


async def test_latency_is_added_and_counts_against_the_timeout():
    started = time.monotonic()
    assert (await processor(latency_seconds=0.1).charge("tok_visa_success", reference())).approved
    assert time.monotonic() - started >= 0.1
    slow = processor(latency_seconds=0.5, timeout_seconds=0.1)
    assert (await slow.charge("tok_visa_success", reference())).reason == "processor_timeout"


@pytest.mark.parametrize("token", ["tok_visa_success", "tok_card_declined"])
async def test_one_reference_is_charged_once_even_when_asked_concurrently(token):
    ledger = MemoryLedger()
    simulated, charge_id = SimulatedProcessor(ledger, latency_seconds=0.01), reference()
    answers = await asyncio.gather(*(simulated.charge(token, charge_id) for _ in range(5)))
    again = await simulated.charge(token, charge_id)
    assert set(answers) == {again} and list(ledger.records) == [charge_id]
    await simulated.charge(token, reference())  # another reference is another charge
    assert len(ledger.records) == 2


async def test_a_timed_out_charge_charged_nothing_and_is_asked_again():
    ledger = MemoryLedger()
    charge_id = reference()
    assert (await SimulatedProcessor(ledger, timeout_seconds=0.05).charge("tok_timeout", charge_id)).reason
    assert ledger.records == {}


async def test_one_reference_is_refunded_once():
    ledger = MemoryLedger()
    simulated, refund_id = SimulatedProcessor(ledger), f"re_{uuid.uuid4().hex}"
    first, again = await simulated.refund(refund_id, 700), await simulated.refund(refund_id, 700)
    assert first == again and first.approved and (first.reference or "").startswith("rf_")
    assert ledger.records == {refund_id: ("refund", 700, first)}


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
