"""Transactional outbox, the relay: publish what documents recorded, then forget it.

A service starts one relay in its app lifespan::

    async with running_outbox_relay(settings.amqp_url, [Payment], OutboxOptions.of(settings)):
        yield

A pass takes up to ``batch`` due rows of the outbox queue (``handlers.common.outbox_queue``: a small
collection of documents with work, not a scan of the documents), works on up to ``concurrency`` of
them at once (their round trips to the store overlap), claims each with a lease, and publishes the
document's pending events (in the order recorded; no order across documents) to
``cinemesh.events`` as persistent messages (routing key = type, message_id = event_id), each
confirmed by RabbitMQ before it is marked published (a guarded write, ``handlers.common.documents``).
A relay that dies between publish and mark publishes the event again once its lease ran out:
delivery is at-least-once and consumers de-duplicate on ``event_id``. While RabbitMQ is down nothing
is counted against an event; a failure on a live broker is an attempt of that document's row
(backoff; ``failed`` after ``max_attempts``, logged as an error and counted by ``failed``), and the
other documents' events go on.

Passes run right after a write in this process recorded an event (``outbox_queue.poke``) and
every ``sweep_seconds`` otherwise; every ``rebuild_seconds`` (and at start) a rebuild queues the
documents whose ``outbox_waiting`` is set, for a writer that died before queueing its document, and
on the next pass after a writer of this process failed to queue it (``outbox_queue.announce``).
Published events are dropped from their documents ``retention_seconds`` after they were recorded.

Only events the AsyncAPI contract declares are published, each by its type's publisher. An event
of an undeclared type, or whose payload its generated model refuses, is a defect of its producer
(``record_event`` refuses both): the relay never publishes it, logs it as an error with the whole
event and marks it as done (it stays in the document's ``outbox`` until pruned).
"""

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from beanie import Document
from faststream.rabbit import RabbitBroker
from pydantic import BaseModel, Field

from handlers.common import documents, outbox_queue
from handlers.common.events import EXCHANGE_NAME, declare_topology, register_publishers
from handlers.common.observability import metrics, readiness
from handlers.common.observability.amqp import publishing
from handlers.common.observability.metrics import (
    EVENTS_PUBLISHED,
    OUTBOX_BACKLOG,
    OUTBOX_FAILED,
    OUTBOX_OLDEST_AGE,
)
from handlers.common.outbox import EventContractError, OutboxEvent, contract_checked

logger = logging.getLogger(__name__)


class OutboxSettings(BaseModel):
    """The outbox fields of a service's settings class (mixed in: ``<PREFIX>_OUTBOX_...``)."""

    outbox_relay: bool = True  # publish recorded events to RabbitMQ (tests turn it off)
    outbox_sweep_seconds: float = Field(5.0, gt=0)  # the safety poll; writes wake the relay at once
    outbox_batch: int = Field(100, ge=1)
    outbox_concurrency: int = Field(16, ge=1)  # documents of a pass worked on at once
    outbox_lease_seconds: float = Field(30.0, gt=0)
    outbox_max_attempts: int = Field(20, ge=1)
    outbox_max_backoff_seconds: float = Field(60.0, gt=0)
    outbox_retention_seconds: float = Field(3600.0, ge=0)
    outbox_rebuild_seconds: float = Field(3600.0, gt=0)


@dataclass(frozen=True)
class OutboxOptions:
    sweep_seconds: float = 5.0
    batch: int = 100
    concurrency: int = 16
    lease_seconds: float = 30.0
    max_attempts: int = 20
    max_backoff_seconds: float = 60.0
    retention_seconds: float = 3600.0
    rebuild_seconds: float = 3600.0
    confirm_timeout: float = 5.0

    @classmethod
    def of(cls, settings: OutboxSettings) -> "OutboxOptions":
        return cls(
            sweep_seconds=settings.outbox_sweep_seconds,
            batch=settings.outbox_batch,
            concurrency=settings.outbox_concurrency,
            lease_seconds=settings.outbox_lease_seconds,
            max_attempts=settings.outbox_max_attempts,
            max_backoff_seconds=settings.outbox_max_backoff_seconds,
            retention_seconds=settings.outbox_retention_seconds,
            rebuild_seconds=settings.outbox_rebuild_seconds,
        )


class BrokerDown(Exception):
    """RabbitMQ does not answer: the pass stops, no event is charged an attempt."""


def _remaining(current: dict[str, Any], done: Iterable[str]) -> dict[str, Any]:
    pending = [event_id for event_id in current.get("outbox_pending", []) if event_id not in set(done)]
    return {"$set": {"outbox_pending": pending, "outbox_waiting": bool(pending)}}


class OutboxRelay:
    def __init__(
        self, broker: RabbitBroker, documents: Sequence[type[Document]], options: OutboxOptions | None = None
    ):
        self._broker = broker
        self._models = {model.get_pymongo_collection().name: model for model in documents}
        self._queues = {
            collection.database.name: outbox_queue.queue_of(collection)
            for collection in (model.get_pymongo_collection() for model in documents)
        }
        self.options = options or OutboxOptions()
        self._owner = uuid.uuid4().hex
        self._publishers = register_publishers(broker)
        self._ready = False
        self._more = False  # the last pass found a full batch

    async def connect(self) -> None:
        if not self._ready:
            await self._broker.connect()
            await declare_topology(self._broker)
            for queue in self._queues.values():
                await outbox_queue.ensure_index(queue)
            self._ready = True

    async def publish(self, event: OutboxEvent) -> None:
        """Publish one event and return once RabbitMQ confirmed it (raises otherwise).

        Raises ``EventContractError``, publishing nothing, for an event the contract does not allow.
        """
        event = contract_checked(event)
        with publishing(
            EXCHANGE_NAME, event.type, event.event_id, event.trace, event.correlation_id
        ) as headers:
            await self._publishers[event.type].publish(
                event.envelope(),
                routing_key=event.type,
                message_id=event.event_id,
                message_type=event.type,
                timestamp=event.occurred_at,
                content_type="application/json",
                correlation_id=event.correlation_id,
                headers=dict(headers) or None,
                timeout=self.options.confirm_timeout,
            )
        EVENTS_PUBLISHED.labels(event.type).inc()

    async def run_once(self) -> int:
        """One pass over the due rows of every queue; returns how many events were published."""
        await self.connect()
        sent, self._more = 0, False
        for queue in self._queues.values():
            rows = await outbox_queue.due_rows(queue, self.options.batch)
            self._more |= len(rows) == self.options.batch
            sent += await self._work_rows(queue, rows)
        return sent

    async def _work_rows(self, queue: Any, rows: list[dict[str, Any]]) -> int:
        """Up to ``concurrency`` rows at once; every row runs to its end (one that meets a broker
        outage gives its lease back) before the first failure is raised."""
        gate = asyncio.Semaphore(self.options.concurrency)

        async def take(row: dict[str, Any]) -> int:
            async with gate:
                if await outbox_queue.claim(queue, row, self._owner, self.options.lease_seconds):
                    return await self._work(queue, row)
                return 0

        outcomes = await asyncio.gather(*(take(row) for row in rows), return_exceptions=True)
        if failure := next((o for o in outcomes if isinstance(o, BaseException)), None):
            raise failure
        return sum(o for o in outcomes if isinstance(o, int))

    async def _work(self, queue: Any, row: dict[str, Any]) -> int:
        model = self._models.get(row["collection"])
        if model is None:  # another service's collection in a shared database
            await outbox_queue.release(queue, row["_id"], self._owner, row["due"])
            return 0
        if row["kind"] == "prune":
            await self._prune(queue, model, row)
            return 0
        return await self._publish_document(queue, model, row)

    async def _publish_document(self, queue: Any, model: type[Document], row: dict[str, Any]) -> int:
        raw = await model.get_pymongo_collection().find_one({"_id": row["document_id"]})
        if raw is None:
            await outbox_queue.drop(queue, row["_id"], self._owner)
            return 0
        pending = raw.get("outbox_pending", [])
        events = [OutboxEvent.model_validate(e) for e in raw.get("outbox", []) if e["event_id"] in pending]
        sent, left = 0, bool(pending)
        for event in events:
            try:
                sent += await self._publish_stored(model, raw["_id"], event)
            except BrokerDown:
                await outbox_queue.release(queue, row["_id"], self._owner, row["due"])
                raise
            except Exception as exc:
                await self._failed_attempt(queue, row, event, exc)
                return sent
            left = await self._mark(model, raw["_id"], [event.event_id])
        if orphans := set(pending) - {event.event_id for event in events}:  # ids without an event
            left = await self._mark(model, raw["_id"], orphans)
        if left:  # else the last mark's guarded write deleted the row: nothing to give back
            await outbox_queue.release(queue, row["_id"], self._owner, datetime.now(UTC))
        return sent

    async def _publish_stored(self, model: type[Document], document_id: Any, event: OutboxEvent) -> int:
        try:
            await self.publish(event)
        except EventContractError as exc:
            logger.error(
                "outbox relay: NOT publishing event %s of %s %s, refused by the contract: %s; event: %s",
                event.event_id,
                model.__name__,
                document_id,
                exc,
                event.model_dump_json(),
            )
            return 0
        except Exception as exc:
            if not await self._broker.ping(timeout=1.0):
                raise BrokerDown(str(exc)) from exc
            raise
        return 1

    async def _failed_attempt(
        self, queue: Any, row: dict[str, Any], event: OutboxEvent, exc: Exception
    ) -> None:
        error = f"{type(exc).__name__}: {exc}"
        options = self.options
        if await outbox_queue.retry_later(
            queue, row["_id"], self._owner, error, options.max_attempts, options.max_backoff_seconds
        ):
            logger.error(
                "outbox relay: gave up on event %s of %s %s after %d attempts (%s); its row %s is failed",
                event.event_id,
                row["collection"],
                row["document_id"],
                options.max_attempts,
                error,
                row["_id"],
            )
        else:
            logger.warning("outbox relay: event %s not published (%s); retrying later", event.event_id, error)

    async def _mark(self, model: type[Document], document_id: Any, done: Iterable[str]) -> bool:
        """Mark ``done`` published; whether the document still has pending events."""
        done = list(done)
        raw = await documents.rewrite(model, document_id, lambda current: _remaining(current, done))
        if raw is not None and not raw.get("outbox_pending"):
            due = datetime.now(UTC) + timedelta(seconds=self.options.retention_seconds)
            await outbox_queue.enqueue(model.get_pymongo_collection(), document_id, "prune", due)
        return raw is not None and bool(raw.get("outbox_pending"))

    async def _prune(self, queue: Any, model: type[Document], row: dict[str, Any]) -> None:
        retention = timedelta(seconds=self.options.retention_seconds)
        cutoff = datetime.now(UTC) - retention

        def drop_published(current: dict[str, Any]) -> dict[str, Any] | None:
            pending = set(current.get("outbox_pending", []))
            stored = current.get("outbox", [])
            kept = [e for e in stored if e["event_id"] in pending or e["occurred_at"] > cutoff]
            return None if len(kept) == len(stored) else {"$set": {"outbox": kept}}

        raw = await documents.rewrite(model, row["document_id"], drop_published)
        pending = set((raw or {}).get("outbox_pending", []))
        published = [e["occurred_at"] for e in (raw or {}).get("outbox", []) if e["event_id"] not in pending]
        if published:
            await outbox_queue.release(queue, row["_id"], self._owner, min(published) + retention)
        else:
            await outbox_queue.drop(queue, row["_id"], self._owner)

    async def rebuild(self) -> int:
        """Queue every document with pending events (for a writer that died before queueing it)."""
        queued = 0
        for model in self._models.values():
            collection = model.get_pymongo_collection()
            async for raw in collection.find({"outbox_waiting": True}, {"_id": 1}):
                await outbox_queue.enqueue(collection, raw["_id"])
                queued += 1
        return queued

    async def failed(self) -> int:
        """How many documents' events the relay gave up on (for health)."""
        return sum([await outbox_queue.failed_count(queue) for queue in self._queues.values()])

    async def backlog(self) -> dict[str, dict[str, float]]:
        """Per database: documents waiting to publish, the oldest one's wait in seconds, failed ones."""
        return {name: await outbox_queue.backlog(queue) for name, queue in self._queues.items()}

    async def observe(self) -> dict[str, Any]:
        """Set the outbox gauges; the readiness report (not ok while some documents failed)."""
        backlog = await self.backlog()
        for database, figures in backlog.items():
            OUTBOX_BACKLOG.labels(database).set(figures["waiting"])
            OUTBOX_OLDEST_AGE.labels(database).set(figures["oldest_age_seconds"])
            OUTBOX_FAILED.labels(database).set(figures["failed"])
        return {"ok": not any(f["failed"] for f in backlog.values()), "databases": backlog}

    async def run_forever(self) -> None:
        loop = asyncio.get_running_loop()
        wake = outbox_queue.WAKE_UP.subscribe()
        rebuild_wanted = outbox_queue.REBUILD.subscribe()
        backoff, next_rebuild = 0.2, loop.time()
        try:
            while True:
                wake.clear()
                try:
                    if loop.time() >= next_rebuild or rebuild_wanted.is_set():
                        rebuild_wanted.clear()
                        try:
                            await self.rebuild()
                        except Exception:
                            rebuild_wanted.set()
                            raise
                        next_rebuild = loop.time() + self.options.rebuild_seconds
                    await self.run_once()
                except Exception as exc:
                    logger.warning("outbox relay pass failed (%s); retrying in %.1fs", exc, backoff)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, self.options.max_backoff_seconds)
                    continue
                backoff = 0.2
                if not self._more:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), self.options.sweep_seconds)
        finally:
            outbox_queue.WAKE_UP.unsubscribe(wake)
            outbox_queue.REBUILD.unsubscribe(rebuild_wanted)


@contextlib.asynccontextmanager
async def running_outbox_relay(
    amqp_url: str, documents: Sequence[type[Document]], options: OutboxOptions | None = None
) -> AsyncIterator[OutboxRelay]:
    """Run an ``OutboxRelay`` for ``documents`` in the background for the duration of the block.

    Beanie must already be initialised for ``documents``. RabbitMQ may be down at start-up.
    """
    broker = RabbitBroker(amqp_url, reconnect_interval=1.0, logger=None)
    relay = OutboxRelay(broker, documents, options)
    task = asyncio.create_task(relay.run_forever(), name="outbox-relay")
    readiness.register("broker", lambda: broker.ping(timeout=1.0), required=False)
    readiness.register("outbox", relay.observe, required=False)
    metrics.on_scrape("outbox", relay.observe)
    try:
        yield relay
    finally:
        readiness.unregister("broker")
        readiness.unregister("outbox")
        metrics.forget("outbox")
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        with contextlib.suppress(Exception):
            await broker.stop()
