"""What reached the suite's RabbitMQ: an audit queue bound to every routing key of ``cinemesh.events``.

The queue (durable, so it outlives a broker restart with the persistent events in it) is declared
before the mesh publishes anything; ``drain`` reads what arrived since the last call. Every event a
service relayed from its outbox is in it (by ``message_id`` = ``event_id``), however often it was
published. ``queue_depths`` reads ready + unacknowledged messages per queue (``rabbitmqctl``, through
``scripts/faults_infra.sh``), so a settle wait can see the notification worker's backlog.
"""

import json
from collections import Counter
from dataclasses import dataclass, field

import aio_pika

from handlers.common.events import EVENTS_EXCHANGE
from tests.faults.cluster import infra

AUDIT_QUEUE = "faults.audit"
DEAD_LETTERS = f"{EVENTS_EXCHANGE.name}.dlq"


@dataclass
class BrokerLog:
    """Every event seen on the exchange: event id -> (type, data), and how often each id came."""

    events: dict[str, tuple[str, dict]] = field(default_factory=dict)
    deliveries: Counter = field(default_factory=Counter)
    dead_letters: dict[str, str] = field(default_factory=dict)  # message id -> routing key


async def _connect(amqp_url: str) -> aio_pika.abc.AbstractRobustConnection:
    return await aio_pika.connect_robust(amqp_url, timeout=10)


async def declare_audit_queue(amqp_url: str) -> None:
    connection = await _connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(
            EVENTS_EXCHANGE.name, aio_pika.ExchangeType.TOPIC, durable=True
        )
        queue = await channel.declare_queue(AUDIT_QUEUE, durable=True)
        await queue.bind(exchange, routing_key="#")


async def _read_all(channel, name: str) -> list[aio_pika.abc.AbstractIncomingMessage]:
    queue = await channel.declare_queue(name, durable=True, passive=True)
    messages = []
    while (message := await queue.get(no_ack=True, fail=False)) is not None:
        messages.append(message)
    return messages


async def drain(amqp_url: str, log: BrokerLog) -> BrokerLog:
    """Add to ``log`` what arrived in the audit queue and the dead-letter queue since the last drain."""
    connection = await _connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        for message in await _read_all(channel, AUDIT_QUEUE):
            try:
                body = json.loads(message.body)
                event_id, event_type, data = body["event_id"], body["type"], body.get("data") or {}
            except (ValueError, KeyError, TypeError):
                continue  # not an event (the poison message of the dead-letter test)
            log.events[event_id] = (event_type, data)
            log.deliveries[event_id] += 1
        for message in await _read_all(channel, DEAD_LETTERS):
            log.dead_letters[message.message_id or message.body[:60].decode(errors="replace")] = (
                message.routing_key or ""
            )
    return log


async def publish_raw(amqp_url: str, routing_key: str, body: bytes, message_id: str) -> None:
    connection = await _connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(EVENTS_EXCHANGE.name)
        message = aio_pika.Message(
            body, message_id=message_id, delivery_mode=aio_pika.DeliveryMode.PERSISTENT
        )
        await exchange.publish(message, routing_key=routing_key)


def queue_depths() -> dict[str, int]:
    """Ready + unacknowledged messages of every queue of the suite's RabbitMQ."""
    depths = {}
    for line in infra("queues").splitlines():
        name, _, count = line.rpartition("\t")
        if name and count.isdigit():
            depths[name] = int(count)
    return depths
