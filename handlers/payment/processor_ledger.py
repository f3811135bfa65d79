"""The simulated processor's own memory: one ``ProcessorRecord`` per reference it answered.

It stands for the processor's side of the wire (a collection of its own, not one of the payment
service's models), reached only through ``SimulatedProcessor``. The record's id is the caller's
reference: the first answer inserted for a reference wins, a racing second one reads it back.
"""

from datetime import datetime

from pydantic import Field

from handlers.common.documents import StrIdDocument
from handlers.payment.models import insert_once, now
from handlers.payment.processor import Operation, Outcome


class ProcessorRecord(StrIdDocument):
    id: str  # the caller's reference
    operation: Operation
    amount: int | None = None  # refunds; a charge's amount is the caller's business
    approved: bool
    reason: str | None = None
    processor_reference: str | None = None
    at: datetime = Field(default_factory=now)

    class Settings:
        name = "processor_records"

    def outcome(self) -> Outcome:
        return Outcome(approved=self.approved, reason=self.reason, reference=self.processor_reference)


class MongoProcessorLedger:
    async def answered(self, reference: str) -> Outcome | None:
        record = await ProcessorRecord.get(reference)
        return None if record is None else record.outcome()

    async def record(
        self, reference: str, operation: Operation, amount: int | None, outcome: Outcome
    ) -> Outcome:
        record = ProcessorRecord(
            id=reference,
            operation=operation,
            amount=amount,
            approved=outcome.approved,
            reason=outcome.reason,
            processor_reference=outcome.reference,
        )
        return (await insert_once(record)).outcome()
