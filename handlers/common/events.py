"""The event backbone's topology, declared once and shared by publishers and consumers.

One durable topic exchange ``cinemesh.events`` carries every event with its type as the
routing key (see ``contracts/asyncapi/events.yaml``). Each consumer owns one durable queue
per event type it handles, bound with that routing key and dead-lettering to the
``cinemesh.events.dlx`` exchange, whose one queue ``cinemesh.events.dlq`` keeps every
rejected message for inspection. ``declare_topology`` creates all of it idempotently, so
the outbox relay can declare the queues before any consumer ever ran: an event published
early is queued, not dropped.

The event types are the contract's channels: ``EVENT_SCHEMAS`` is read from it at import, each
type with the generated envelope model of its message, so a type the contract does not
declare has no schema, no publisher and is refused by the outbox (``handlers.common.outbox``).
"""

from pathlib import Path
from typing import Any

import yaml
from faststream.rabbit import ExchangeType, RabbitBroker, RabbitExchange, RabbitQueue
from faststream.rabbit.publisher import RabbitPublisher  # what broker.publisher() returns
from pydantic import BaseModel

from generated.events import models as ev
from handlers.common.settings import REPO_ROOT

EXCHANGE_NAME = "cinemesh.events"
CONTRACT = REPO_ROOT / "contracts" / "asyncapi" / "events.yaml"


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """``node``, or what its local ``$ref`` (``#/channels/...``, ``#/components/...``) points at."""
    while "$ref" in node:
        target = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _load(contract: Path) -> dict[str, Any]:
    return yaml.safe_load(contract.read_text(encoding="utf-8"))


def event_schemas(contract: Path = CONTRACT) -> dict[str, type[BaseModel]]:
    """Each channel of the AsyncAPI contract: its address (the event type, also the routing key) and
    the generated envelope model of its one message's payload (``generated/events/models.py``)."""
    document = _load(contract)
    schemas: dict[str, type[BaseModel]] = {}
    for name, channel in document["channels"].items():
        messages = list(channel.get("messages", {}).values())
        if len(messages) != 1:
            raise ValueError(f"{contract.name}: channel {name} must carry exactly one message type")
        payload = _resolve(document, messages[0])["payload"]
        schema_name = payload["$ref"].rpartition("/")[2]
        model = getattr(ev, schema_name, None)
        if model is None:
            raise ValueError(f"{contract.name}: {schema_name} is not in generated/events (make generate)")
        schemas[channel["address"]] = model
    return schemas


EVENT_SCHEMAS = event_schemas()
EVENT_TYPES = tuple(EVENT_SCHEMAS)

EVENTS_EXCHANGE = RabbitExchange(EXCHANGE_NAME, type=ExchangeType.TOPIC, durable=True)
DEAD_LETTER_EXCHANGE = RabbitExchange(f"{EXCHANGE_NAME}.dlx", type=ExchangeType.TOPIC, durable=True)
DEAD_LETTER_QUEUE = RabbitQueue(f"{EXCHANGE_NAME}.dlq", durable=True, routing_key="#")


def received_by(consumer: str, contract: Path = CONTRACT) -> tuple[str, ...]:
    """The event types of the contract's ``receive`` operations tagged ``consumer``."""
    document = _load(contract)
    return tuple(
        _resolve(document, operation["channel"])["address"]
        for operation in document.get("operations", {}).values()
        if operation["action"] == "receive" and {"name": consumer} in operation.get("tags", [])
    )


NOTIFICATION_EVENTS = received_by("notification")


def consumer_queue(consumer: str, event_type: str) -> RabbitQueue:
    """The durable queue ``<consumer>.<event_type>``, bound by the event type, dead-lettering to the DLX."""
    return RabbitQueue(
        f"{consumer}.{event_type}",
        durable=True,
        routing_key=event_type,
        arguments={"x-dead-letter-exchange": DEAD_LETTER_EXCHANGE.name},
    )


NOTIFICATION_QUEUES = {
    event_type: consumer_queue("notification", event_type) for event_type in NOTIFICATION_EVENTS
}


async def declare_topology(broker: RabbitBroker) -> None:
    """Declare the exchanges, every consumer queue with its binding, and the dead-letter queue."""
    exchange = await broker.declare_exchange(EVENTS_EXCHANGE)
    dead_letters = await broker.declare_exchange(DEAD_LETTER_EXCHANGE)
    dlq = await broker.declare_queue(DEAD_LETTER_QUEUE)
    await dlq.bind(dead_letters, routing_key=DEAD_LETTER_QUEUE.routing_key)
    for queue in NOTIFICATION_QUEUES.values():
        declared = await broker.declare_queue(queue)
        await declared.bind(exchange, routing_key=queue.routing_key)


def register_publishers(broker: RabbitBroker) -> dict[str, RabbitPublisher]:
    """One documented publisher per event type: persistent, routing key = type, never mandatory
    (an event nobody consumes yet is still accepted by the exchange)."""
    return {
        event_type: broker.publisher(
            exchange=EVENTS_EXCHANGE,
            routing_key=event_type,
            persist=True,
            mandatory=False,
            title=event_type,
            schema=schema,
            description=schema.__doc__,
        )
        for event_type, schema in EVENT_SCHEMAS.items()
    }
