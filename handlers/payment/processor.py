"""The simulated card processor: deterministic outcomes per test token, latency and timeouts."""

import asyncio
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    approved: bool
    reason: str | None = None
    reference: str | None = None


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
    def __init__(self, latency_seconds: float = 0.0, timeout_seconds: float = 2.0):
        self._latency = latency_seconds
        self._timeout = timeout_seconds

    @staticmethod
    def knows(token: str) -> bool:
        return token in TEST_TOKENS

    async def charge(self, token: str) -> Outcome:
        """Ask the processor; a call that takes longer than the timeout fails as ``processor_timeout``."""
        try:
            return await asyncio.wait_for(self._answer(token), self._timeout)
        except TimeoutError:
            return Outcome(approved=False, reason="processor_timeout")

    async def refund(self) -> Outcome:
        await asyncio.sleep(self._latency)
        return Outcome(approved=True, reference=f"rf_{uuid.uuid4().hex[:24]}")

    async def _answer(self, token: str) -> Outcome:
        await asyncio.sleep(self._latency)
        if token == TIMEOUT_TOKEN:
            await asyncio.Event().wait()  # the processor never answers
        reason = TEST_TOKENS[token]
        if reason is not None:
            return Outcome(approved=False, reason=reason)
        return Outcome(approved=True, reference=f"ch_{uuid.uuid4().hex[:24]}")
