"""The booking document: saga state, every step taken, and its outbox of events."""

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, Field
from pymongo import ASCENDING, IndexModel

from generated.events.models import (
    BookingCancelledData,
    BookingConfirmedData,
    BookingCreatedData,
    BookingExpiredData,
    Money,
)
from handlers.common.documents import StrIdDocument
from handlers.common.outbox import OutboxMixin

BookingEventData = TypeVar(
    "BookingEventData", BookingCreatedData, BookingConfirmedData, BookingCancelledData, BookingExpiredData
)


class Status(StrEnum):
    PENDING = "PENDING"
    CONFIRMING = "CONFIRMING"
    CONFIRMED = "CONFIRMED"
    CANCELLING = "CANCELLING"
    PAYMENT_FAILED = "PAYMENT_FAILED"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"


TERMINAL = {Status.PAYMENT_FAILED, Status.EXPIRED, Status.CANCELLED}


def now() -> datetime:
    return datetime.now(UTC)


class Step(BaseModel):
    status: Status
    at: datetime
    detail: str | None = None


class Booking(OutboxMixin, StrIdDocument):
    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    user_id: str
    idempotency_key: str
    showtime_id: str
    seat_ids: list[str]
    hold_id: str
    status: Status = Status.PENDING
    amount: int
    currency: str
    hold_expires_at: datetime
    movie_title: str | None = None
    starts_at: datetime | None = None
    payment_id: str | None = None
    refund_id: str | None = None
    # While CONFIRMING: the request (or recovery) driving the charge holds the booking until then.
    lease_until: datetime | None = None
    created_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now)
    history: list[Step] = Field(default_factory=list)

    class Settings:
        name = "bookings"
        # handlers.common.mongo creates them one at a time (FerretDB v1.24 drops the connection when
        # one createIndexes re-creates several). user_key also serves "my bookings" (user_id prefix);
        # status serves the recovery sweep, which looks for the few unfinished bookings among all.
        indexes = [
            IndexModel(
                [("user_id", ASCENDING), ("idempotency_key", ASCENDING)], unique=True, name="user_key"
            ),
            IndexModel([("status", ASCENDING), ("updated_at", ASCENDING)], name="status"),
        ]

    def event_data(self, model: type[BookingEventData], **extra: Any) -> BookingEventData:
        """A ``booking.*`` event payload as its generated model (contracts/asyncapi/events.yaml): the
        fields every one shares, read from the booking, and the event's own ``extra`` fields."""
        return model(
            booking_id=self.id,
            user_id=self.user_id,
            showtime_id=self.showtime_id,
            seat_ids=self.seat_ids,
            total=Money(amount=self.amount, currency=self.currency),
            movie_title=self.movie_title,
            starts_at=self.starts_at,
            **extra,
        )
