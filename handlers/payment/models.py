"""MongoDB documents of the payment service.

At most one index per collection: FerretDB v1.24 drops the connection when beanie
re-creates two or more existing indexes in one ``createIndexes`` (every restart).
"""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeVar

from beanie import Document, Indexed
from pydantic import Field
from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from handlers.common.documents import StrIdDocument
from handlers.common.outbox import OutboxMixin


def now() -> datetime:
    """The current time at MongoDB's (millisecond) precision, so stored and returned values agree."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


D = TypeVar("D", bound=Document)


async def insert_once(document: D) -> D:
    """Insert ``document``, or return the one already stored under its id: the first insert wins.

    For steps a request repeats when it takes over a dead one's key (their ids come from the key).
    """
    try:
        await document.insert()
    except DuplicateKeyError:
        stored = await type(document).get(document.id)
        if stored is None:  # the duplicate was on another unique index
            raise
        return stored
    return document


class ChargeIntent(StrIdDocument):
    """A charge about to be asked of the processor, stored before it is asked.

    Its id is the payment's (derived from the idempotency key) and the processor's reference
    for the charge. A request that takes over the key and finds an intent but no payment does not
    know whether the processor charged: it asks again with the same reference, which answers
    the first outcome without charging twice, then stores the payment. Intents are internal: the
    API shows a payment only once its outcome is stored.
    """

    id: str
    booking_id: Annotated[str, Indexed()]  # a booking's unfinished charges are looked up before reading
    user_id: str
    amount: int
    currency: str
    payment_token: str
    created_at: datetime = Field(default_factory=now)

    class Settings:
        name = "charge_intents"


class Payment(OutboxMixin, StrIdDocument):
    """A processed charge: stored, with its event, only once the processor answered."""

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


class Refund(OutboxMixin, StrIdDocument):
    """One entry of a payment's append-only refund ledger.

    FerretDB v1 updates are not atomic under concurrency, so the bound "refunds never exceed
    the captured amount" is kept by the unique (payment_id, sequence) index: a refund reads the
    ledger, checks the bound and inserts the next sequence number; of two racing refunds only
    one insert succeeds and the other re-reads the ledger.

    An entry is inserted ``pending``, which reserves its amount, before the processor is asked;
    it becomes ``succeeded``, with its ``payment.refunded`` event, once the processor answered.
    Only succeeded entries are shown. Entries stored before this step existed have no status and
    were shown as refunded, hence the default.
    """

    id: str = Field(default_factory=lambda: new_id("re"))
    payment_id: str
    sequence: int
    amount: int
    currency: str
    reason: str | None = None
    status: Literal["pending", "succeeded"] = "succeeded"
    processor_reference: str | None = None
    created_at: datetime = Field(default_factory=now)

    class Settings:
        name = "refunds"
        indexes = [IndexModel([("payment_id", ASCENDING), ("sequence", ASCENDING)], unique=True)]


class TransactionLogEntry(StrIdDocument):
    """One charge or refund asked of the card processor and its outcome (``processor_timeout``
    when it did not answer in time).

    Its id is the reference the processor was asked under (the payment's or the refund's id), so
    a request that finishes a dead one's operation logs it once.
    """

    id: str
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


DOCUMENT_MODELS: list[type[Document]] = [
    ChargeIntent,
    Payment,
    Refund,
    TransactionLogEntry,
    IdempotencyRecord,
]
