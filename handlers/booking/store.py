"""Persisting saga steps: one atomic, conditional document write per step.

Each step is one guarded update (``handlers.common.documents.update``: the document's mutex, as
FerretDB updates are not atomic read-modify-writes) conditioned on the expected current status
(and, for claiming a booking, a free lease: ``lease_free``), so two concurrent requests cannot
both take the same step and the relay marking an event published cannot undo it. The step's
history entry and its event (``OutboxMixin.record_event``) travel in that same write.
"""

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from handlers.booking.errors import Conflict
from handlers.booking.models import Booking, Status, now
from handlers.common import documents
from handlers.common.observability.metrics import BOOKINGS
from handlers.common.outbox import recorded_update

for _status in Status:  # every series from 0, so a rate or increase counts the first booking too
    BOOKINGS.labels(_status)


async def transition(
    booking: Booking,
    expected: set[Status],
    to: Status,
    detail: str | None = None,
    event: tuple[str, BaseModel] | None = None,
    at: datetime | None = None,
    guard: dict[str, Any] | None = None,
    **fields: Any,
) -> Booking:
    """Move ``booking`` from one of ``expected`` to ``to`` if it still is there (and matches ``guard``)."""
    at = at or now()
    push: dict[str, Any] = {"history": {"status": str(to), "at": at, "detail": detail}}
    assign: dict[str, Any] = {"status": str(to), "updated_at": at, **fields}
    if event is not None:
        recorded = recorded_update(booking.record_event(*event).model_copy(update={"occurred_at": at}))
        push |= recorded["$push"]
        assign |= recorded["$set"]
    condition = {"status": {"$in": [str(s) for s in expected]}, **(guard or {})}
    raw = await documents.update(Booking, booking.id, {"$set": assign, "$push": push}, condition)
    if raw is None:
        raise Conflict(f"booking {booking.id} changed concurrently; retry")
    if booking.status != to:  # a step within a status (payment captured, lease given back) is no entry
        BOOKINGS.labels(to).inc()
    return Booking.model_validate(raw)


def lease_free(at: datetime) -> dict[str, Any]:
    """Guard: nobody holds the booking's lease at ``at`` (none taken, given up, or run out)."""
    return {"$or": [{"lease_until": None}, {"lease_until": {"$lte": at}}]}


async def load(booking_id: str) -> Booking | None:
    return await Booking.get(booking_id)
