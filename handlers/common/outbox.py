"""Transactional outbox, the writing side.

A document that emits events mixes in ``OutboxMixin`` and calls ``record_event``
before the same ``insert``/``save`` that stores its state change, so the event and the
change land in one MongoDB document write. ``outbox`` keeps every event the document
emitted (the AsyncAPI envelope); ``outbox_pending`` holds the ids not yet published.
The relay publishes pending events with publisher confirms, then ``$pull``s their ids
(FerretDB v1 has no positional ``$`` update, hence the separate id list).
"""

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field


class OutboxEvent(BaseModel):
    event_id: str
    type: str
    occurred_at: datetime
    version: int = 1
    data: dict[str, Any]


class OutboxMixin(BaseModel):
    outbox: list[OutboxEvent] = Field(default_factory=list)
    outbox_pending: list[str] = Field(default_factory=list)

    def record_event(self, event_type: str, data: dict[str, Any], version: int = 1) -> OutboxEvent:
        event = OutboxEvent(
            event_id=str(uuid.uuid4()),
            type=event_type,
            occurred_at=datetime.now(UTC),
            version=version,
            data=data,
        )
        self.outbox.append(event)
        self.outbox_pending.append(event.event_id)
        return event
