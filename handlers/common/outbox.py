"""Transactional outbox, the writing side.

A document that emits events mixes in ``OutboxMixin`` and calls ``record_event`` before the
``insert`` that stores it, or sends ``recorded_update(event)`` within the guarded update of
``handlers.common.documents`` that stores its state change: the event and the change land in one
MongoDB document write. ``outbox`` keeps the events the document emitted (the AsyncAPI envelope;
published ones are pruned after a retention); ``outbox_pending`` holds the ids not yet published
(FerretDB v1 has no positional ``$`` update, hence the separate id list); ``outbox_waiting`` is
true while any is pending (a top-level flag FerretDB can filter without decoding every document).
Right after the write, the document gets a row in the outbox queue (``handlers.common.outbox_queue``:
the insert hook below, or the guarded update) and this process's relay is woken; a write that raised
(it may have landed, its answer lost) asks the relays for a rebuild of their queue instead. beanie's
``save``/``replace``/``set``/``update`` of such a document are refused (``UnguardedWrite``): the
guarded path is the only way to update it.

Only what the AsyncAPI contract declares is recorded: ``record_event`` refuses a type that is
not one of its channels (``UndeclaredEvent``) and a payload its generated model refuses, or with a
field it does not declare (``InvalidEvent``), naming the type and the fields. The relay checks
again before publishing (``contract_checked``).
"""

import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from beanie import Document, Insert, Replace, Save, SaveChanges, Update, after_event, before_event
from pydantic import BaseModel, Field, ValidationError

from handlers.common import outbox_queue
from handlers.common.correlation import current_correlation_id
from handlers.common.events import EVENT_SCHEMAS
from handlers.common.telemetry.propagation import carrier

CONTRACT = "contracts/asyncapi/events.yaml"


class EventContractError(ValueError):
    """An event the AsyncAPI contract does not allow: a defect of its producer, never published."""


class UndeclaredEvent(EventContractError):
    def __init__(self, event_type: str):
        declared = ", ".join(EVENT_SCHEMAS)
        super().__init__(f"event type {event_type!r} is not declared in {CONTRACT} (declared: {declared})")
        self.event_type = event_type


class InvalidEvent(EventContractError):
    def __init__(self, event_type: str, problems: list[str]):
        model = EVENT_SCHEMAS[event_type].__name__
        super().__init__(f"{event_type} event does not match {model} ({CONTRACT}): {'; '.join(problems)}")
        self.event_type, self.problems = event_type, problems


class OutboxEvent(BaseModel):
    event_id: str
    type: str
    occurred_at: datetime
    version: int = 1
    data: dict[str, Any]
    # Where it was recorded, for the relay's publish span and message (never part of the body):
    trace: dict[str, str] = Field(default_factory=dict)  # W3C carrier of the recording request
    correlation_id: str | None = None

    def envelope(self) -> dict[str, Any]:
        """The message body: the AsyncAPI envelope, without what only the relay reads."""
        return self.model_dump(mode="json", exclude={"trace", "correlation_id"})


def _undeclared(sent: Mapping[str, Any], model: BaseModel, path: str) -> Iterator[str]:
    """Keys of ``sent`` that ``model`` (what the generated model made of it) does not declare."""
    for key, value in sent.items():
        if key not in type(model).model_fields:
            yield f"{path}{key}: not declared"
        elif isinstance(value, Mapping) and isinstance(nested := getattr(model, key), BaseModel):
            yield from _undeclared(value, nested, f"{path}{key}.")


def contract_checked(event: OutboxEvent) -> OutboxEvent:
    """``event`` with its payload as the contract's model writes it; raises ``EventContractError``."""
    schema = EVENT_SCHEMAS.get(event.type)
    if schema is None:
        raise UndeclaredEvent(event.type)
    try:
        envelope = schema.model_validate(event.envelope())
    except ValidationError as exc:
        problems = [f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in exc.errors()]
        raise InvalidEvent(event.type, problems) from exc
    data = envelope.data  # type: ignore[attr-defined]
    if undeclared := list(_undeclared(event.data, data, "data.")):
        raise InvalidEvent(event.type, undeclared)
    return event.model_copy(update={"data": data.model_dump(mode="json")})


def recorded_update(event: OutboxEvent) -> dict[str, dict[str, Any]]:
    """The part of a guarded update that stores ``event`` (from ``record_event``) as pending."""
    return {
        "$push": {"outbox": event.model_dump(), "outbox_pending": event.event_id},
        "$set": {"outbox_waiting": True},
    }


class UnguardedWrite(RuntimeError):
    """An update of an outbox document outside ``handlers.common.documents``: FerretDB would lose
    it or the relay's mark when they meet, so it is refused before anything is written."""


class OutboxMixin(BaseModel):
    outbox: list[OutboxEvent] = Field(default_factory=list)
    outbox_pending: list[str] = Field(default_factory=list)
    outbox_waiting: bool = False

    @before_event(Save, Replace, Update, SaveChanges)
    def _refuse_unguarded_writes(self) -> None:
        raise UnguardedWrite(
            f"{type(self).__name__} records events: update it with handlers.common.documents.update or"
            " rewrite (the guarded path), not beanie's save/replace/set/update"
        )

    async def insert(self, *args: Any, **kwargs: Any) -> Any:
        """beanie's insert; one that raises with events pending may still have stored them (its
        answer lost), and no insert hook queues them: the relays are asked for a rebuild."""
        try:
            return await super().insert(*args, **kwargs)  # type: ignore[misc]
        except Exception:
            if self.outbox_pending:
                outbox_queue.request_rebuild()
            raise

    @after_event(Insert)
    async def _queue_recorded_events(self) -> None:
        if self.outbox_pending:
            document: Any = self  # a Document: the mixin is only ever mixed into beanie documents
            assert isinstance(document, Document)
            await outbox_queue.announce(document.get_pymongo_collection(), document.id)

    def record_event(
        self, event_type: str, data: BaseModel | Mapping[str, Any], version: int = 1
    ) -> OutboxEvent:
        """Record an event of a type the contract declares, its payload ``data`` (best: the generated
        model of that type's payload) checked against the contract."""
        payload = data.model_dump(mode="json") if isinstance(data, BaseModel) else dict(data)
        event = OutboxEvent(
            event_id=str(uuid.uuid4()),
            type=event_type,
            occurred_at=datetime.now(UTC),
            version=version,
            data=payload,
            trace=carrier(),
            correlation_id=current_correlation_id(),
        )
        event = contract_checked(event)
        self.outbox.append(event)
        self.outbox_pending.append(event.event_id)
        self.outbox_waiting = True
        return event
