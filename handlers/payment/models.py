"""MongoDB documents of the payment service.

At most one index per collection: FerretDB v1.24 drops the connection when beanie
re-creates two or more existing indexes in one ``createIndexes`` (every restart).
"""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from beanie import Document, Indexed
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from handlers.common.outbox import OutboxMixin


def now() -> datetime:
    """The current time at MongoDB's (millisecond) precision, so stored and returned values agree."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


class Payment(Document, OutboxMixin):
    id: str = Field(default_factory=lambda: new_id("pay"))
    booking_id: Annotated[str, Indexed()]
    user_id: str
    amount: int
    currency: str
    status: Literal["succeeded", "failed"]
    failure_reason: str | None = None
    processor_reference: str | None = None
    created_at: datetime = Field(default_factory=now)

    class Settings:
        name = "payments"


class Refund(Document, OutboxMixin):
    """One entry of a payment's append-only refund ledger.

    FerretDB v1 updates are not atomic under concurrency, so the bound "refunds never exceed
    the captured amount" is kept by the unique (payment_id, sequence) index: a refund reads the
    ledger, checks the bound and inserts the next sequence number; of two racing refunds only
    one insert succeeds and the other re-reads the ledger.
    """

    id: str = Field(default_factory=lambda: new_id("re"))
    payment_id: str
    sequence: int
    amount: int
    currency: str
    reason: str | None = None
    created_at: datetime = Field(default_factory=now)

    class Settings:
        name = "refunds"
        indexes = [IndexModel([("payment_id", ASCENDING), ("sequence", ASCENDING)], unique=True)]


class TransactionLogEntry(Document):
    """One call to the card processor (charge or refund) and what it answered."""

    payment_id: Annotated[str, Indexed()]
    kind: Literal["charge", "refund"]
    amount: int
    currency: str
    approved: bool
    reason: str | None = None
    processor_reference: str | None = None
    at: datetime = Field(default_factory=now)

    class Settings:
        name = "transaction_log"


class IdempotencyRecord(Document):
    """The claim on an ``Idempotency-Key`` and, once finished, the response to replay."""

    user_id: str
    scope: str  # "payments" or "refunds:<payment_id>"
    key: str
    fingerprint: str
    state: Literal["in_progress", "completed"] = "in_progress"
    status_code: int | None = None
    response: dict[str, Any] | None = None
    created_at: datetime = Field(default_factory=now)

    class Settings:
        name = "idempotency_keys"
        indexes = [
            IndexModel([("user_id", ASCENDING), ("scope", ASCENDING), ("key", ASCENDING)], unique=True)
        ]


DOCUMENT_MODELS: list[type[Document]] = [Payment, Refund, TransactionLogEntry, IdempotencyRecord]
