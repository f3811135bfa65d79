"""The simulated card processor: deterministic outcomes per test token, latency, timeouts, and
idempotent requests.

Like a real processor, it takes a caller-chosen ``reference`` with every charge and refund and
does each reference at most once: asking again with the same reference answers what the first
request did (the same outcome and processor reference) without charging or refunding again. That
is how a request that takes over a dead one learns the outcome it never stored.

What it did lives in a ``ProcessorLedger`` (``handlers.payment.processor_ledger``: a MongoDB
collection), not in this object, because the processor is another party: its memory must
outlive the payment process that died mid-call and be shared by every replica. The first answer
recorded for a reference is the one that counts (a unique insert), so two racing requests with
one reference capture once.
"""

import asyncio
import uuid
from dataclasses import dataclass
from typing import Literal, Protocol

Operation = Literal["charge", "refund"]


@dataclass(frozen=True)
class Outcome:
    approved: bool
    reason: str | None = None
    reference: str | None = None


class ProcessorLedger(Protocol):
    async def answered(self, reference: str) -> Outcome | None:
        """What the processor answered to ``reference``, if it answered."""

    async def record(
        self, reference: str, operation: Operation, amount: int | None, outcome: Outcome
    ) -> Outcome:
        """Store ``outcome`` for ``reference`` unless one is stored; return the stored one."""


TIMEOUT_TOKEN = "tok_timeout"
# token -> decline reason (None = approved); documented in contracts/openapi/payment.yaml
TEST_TOKENS: dict[str, str | None] = {
    "tok_visa_success": None,
    "tok_mastercard_success": None,
    "tok_card_declined": "card_declined",
    "tok_insufficient_funds": "insufficient_funds",
    "tok_expired_card": "expired_card",
    TIMEOUT_TOKEN: None,
}


class SimulatedProcessor:
    def __init__(self, ledger: ProcessorLedger, latency_seconds: float = 0.0, timeout_seconds: float = 2.0):
        self._ledger = ledger
        self._latency = latency_seconds
        self._timeout = timeout_seconds

    @staticmethod
    def knows(token: str) -> bool:
        return token in TEST_TOKENS

    async def charge(self, token: str, reference: str) -> Outcome:
        """Charge ``token`` once for ``reference``. A call that takes longer than the timeout fails
        as ``processor_timeout`` and charged nothing (asking again asks the processor again)."""
        if (answered := await self._ledger.answered(reference)) is not None:
            return answered
        try:
            outcome = await asyncio.wait_for(self._answer(token), self._timeout)
        except TimeoutError:
            return Outcome(approved=False, reason="processor_timeout")
        return await self._ledger.record(reference, "charge", None, outcome)

    async def refund(self, reference: str, amount: int) -> Outcome:
        """Refund ``amount`` once for ``reference``."""
        if (answered := await self._ledger.answered(reference)) is not None:
            return answered
        await asyncio.sleep(self._latency)
        outcome = Outcome(approved=True, reference=f"rf_{uuid.uuid4().hex[:24]}")
        return await self._ledger.record(reference, "refund", amount, outcome)

    async def _answer(self, token: str) -> Outcome:
        await asyncio.sleep(self._latency)
        if token == TIMEOUT_TOKEN:
            await asyncio.Event().wait()  # the processor never answers
        reason = TEST_TOKENS[token]
        if reason is not None:
            return Outcome(approved=False, reason=reason)
        return Outcome(approved=True, reference=f"ch_{uuid.uuid4().hex[:24]}")
