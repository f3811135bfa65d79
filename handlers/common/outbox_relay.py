"""Transactional outbox, the relay: publish what documents recorded, then forget it.

A service starts one relay in its app lifespan::

    async with running_outbox_relay(settings.amqp_url, [Payment]):
        yield

The relay polls every document class for documents whose ``outbox_pending`` is not empty
(``outbox_pending.0`` exists), publishes each pending event to ``cinemesh.events`` as a
persistent message (routing key = type, message_id = event_id) and waits for RabbitMQ's
publisher confirm; only then does it ``$pull`` the id (no positional ``$`` on FerretDB).
A crash between publish and ``$pull`` republishes the event on the next pass, so delivery
is at-least-once and consumers de-duplicate on ``event_id``. While RabbitMQ is down the
relay keeps retrying with backoff: events are delayed, never lost.

Only events the AsyncAPI contract declares are published, each by its type's publisher. An
event of an undeclared type, or whose payload its generated model refuses, is a defect of its
producer (``record_event`` refuses both): the relay never publishes it, logs it as an error
with the whole event and stops retrying it (it stays in the document's ``outbox``); the
document's other events are published.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

from beanie import Document
from faststream.rabbit import RabbitBroker

from handlers.common.doc_lock import document_lock
from handlers.common.events import declare_topology, register_publishers
from handlers.common.outbox import EventContractError, OutboxEvent, contract_checked

logger = logging.getLogger(__name__)
PENDING = {"outbox_pending.0": {"$exists": True}}


class OutboxRelay:
    def __init__(
        self,
        broker: RabbitBroker,
        documents: Sequence[type[Document]],
        poll_interval: float = 0.2,
        max_backoff: float = 5.0,
        confirm_timeout: float = 5.0,
    ):
        self._broker = broker
        self._documents = list(documents)
        self._poll_interval = poll_interval
        self._max_backoff = max_backoff
        self._confirm_timeout = confirm_timeout
        self._publishers = register_publishers(broker)
        self._ready = False

    async def connect(self) -> None:
        if not self._ready:
            await self._broker.connect()
            await declare_topology(self._broker)
            self._ready = True

    async def publish(self, event: OutboxEvent) -> None:
        """Publish one event and return once RabbitMQ confirmed it (raises otherwise).

        Raises ``EventContractError``, publishing nothing, for an event the contract does not allow.
        """
        event = contract_checked(event)
        await self._publishers[event.type].publish(
            event.model_dump(mode="json"),
            routing_key=event.type,
            message_id=event.event_id,
            message_type=event.type,
            timestamp=event.occurred_at,
            content_type="application/json",
            timeout=self._confirm_timeout,
        )

    async def relay_document(self, model: type[Document], raw: dict[str, Any]) -> int:
        pending = set(raw.get("outbox_pending", []))
        sent = 0
        for entry in raw.get("outbox", []):
            event = OutboxEvent.model_validate(entry)
            if event.event_id not in pending:
                continue
            try:
                await self.publish(event)
                sent += 1
            except EventContractError as exc:
                logger.error(
                    "outbox relay: NOT publishing event %s of %s %s, refused by the contract: %s; event: %s",
                    event.event_id,
                    model.__name__,
                    raw["_id"],
                    exc,
                    event.model_dump_json(),
                )
            pending.discard(event.event_id)
            await self._forget(model, raw["_id"], event.event_id)
        for orphan in pending:  # an id without a stored event can never be published
            await self._forget(model, raw["_id"], orphan)
        return sent

    @staticmethod
    async def _forget(model: type[Document], document_id: Any, event_id: str) -> None:
        async with document_lock(model, document_id):
            update = {"$pull": {"outbox_pending": event_id}}
            await model.get_pymongo_collection().update_one({"_id": document_id}, update)

    async def run_once(self) -> int:
        """One pass over every document class; returns how many events were published."""
        await self.connect()
        sent = 0
        for model in self._documents:
            async for raw in model.get_pymongo_collection().find(PENDING):
                sent += await self.relay_document(model, raw)
        return sent

    async def run_forever(self) -> None:
        backoff = self._poll_interval
        while True:
            try:
                sent = await self.run_once()
            except Exception as exc:
                logger.warning("outbox relay pass failed (%s); retrying in %.1fs", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)
                continue
            backoff = self._poll_interval
            if not sent:
                await asyncio.sleep(self._poll_interval)


@contextlib.asynccontextmanager
async def running_outbox_relay(
    amqp_url: str, documents: Sequence[type[Document]], poll_interval: float = 0.2
) -> AsyncIterator[OutboxRelay]:
    """Run an ``OutboxRelay`` for ``documents`` in the background for the duration of the block.

    Beanie must already be initialised for ``documents``. RabbitMQ may be down at start-up.
    """
    broker = RabbitBroker(amqp_url, reconnect_interval=1.0, logger=None)
    relay = OutboxRelay(broker, documents, poll_interval=poll_interval)
    task = asyncio.create_task(relay.run_forever(), name="outbox-relay")
    try:
        yield relay
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        with contextlib.suppress(Exception):
            await broker.stop()
