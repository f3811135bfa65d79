"""Persisting saga steps: one atomic, conditional document write per step.

Each step is a ``find_one_and_update`` guarded by the expected current status (and, for
claiming a booking, a free lease: ``lease_free``) and taken
under ``document_lock`` (FerretDB updates are not atomic read-modify-writes), so two
concurrent requests cannot both take the same step and the relay's ``$pull`` cannot undo
it. The step's history entry and its event (``OutboxMixin.record_event``) travel in that
same write.
"""

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from pymongo import ReturnDocument

from handlers.booking.errors import Conflict
from handlers.booking.models import Booking, Status, now
from handlers.common.doc_lock import document_lock


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
    if event is not None:
        recorded = booking.record_event(*event)
        push["outbox"] = {**recorded.model_dump(), "occurred_at": at}
        push["outbox_pending"] = recorded.event_id
    update = {"$set": {"status": str(to), "updated_at": at, **fields}, "$push": push}
    async with document_lock(Booking, booking.id):
        raw = await Booking.get_pymongo_collection().find_one_and_update(
            {"_id": booking.id, "status": {"$in": [str(s) for s in expected]}, **(guard or {})},
            update,
            return_document=ReturnDocument.AFTER,
        )
    if raw is None:
        raise Conflict(f"booking {booking.id} changed concurrently; retry")
    return Booking.model_validate(raw)


def lease_free(at: datetime) -> dict[str, Any]:
    """Guard: nobody holds the booking's lease at ``at`` (none taken, given up, or run out)."""
    return {"$or": [{"lease_until": None}, {"lease_until": {"$lte": at}}]}


async def load(booking_id: str) -> Booking | None:
    return await Booking.get(booking_id)
