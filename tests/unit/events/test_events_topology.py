"""The event topology and the relay's publishing, against FastStream's in-memory TestRabbitBroker."""

import uuid
from datetime import UTC, datetime

import pytest
from faststream.rabbit import RabbitBroker, RabbitMessage, TestRabbitBroker

from handlers.common.events import (
    DEAD_LETTER_EXCHANGE,
    EVENT_SCHEMAS,
    EVENTS_EXCHANGE,
    NOTIFICATION_QUEUES,
    register_publishers,
)
from handlers.common.outbox import OutboxEvent
from handlers.common.outbox_relay import OutboxRelay

pytestmark = pytest.mark.unit


def test_topology_is_durable_and_dead_letters():
    assert EVENTS_EXCHANGE.durable and EVENTS_EXCHANGE.type.value == "topic"
    assert set(NOTIFICATION_QUEUES) <= set(EVENT_SCHEMAS)  # the contract's channels
    for event_type, queue in NOTIFICATION_QUEUES.items():
        assert queue.durable and queue.routing_key == event_type
        assert queue.arguments["x-dead-letter-exchange"] == DEAD_LETTER_EXCHANGE.name


def test_publishers_are_persistent_and_never_mandatory():
    publishers = register_publishers(RabbitBroker())
    assert set(publishers) == set(EVENT_SCHEMAS)
    for event_type, publisher in publishers.items():
        assert publisher.routing_key == event_type
        assert publisher.message_options["persist"] is True
        assert publisher.publish_options["mandatory"] is False


async def test_relay_publishes_the_envelope_with_event_id_as_message_id():
    broker = RabbitBroker()
    received: list[tuple[dict, str | None]] = []

    @broker.subscriber(NOTIFICATION_QUEUES["payment.failed"], EVENTS_EXCHANGE)
    async def tap(body: dict, message: RabbitMessage) -> None:
        received.append((body, message.message_id))

    relay = OutboxRelay(broker, [])
    event = OutboxEvent(
        event_id=str(uuid.uuid4()),
        type="payment.failed",
        occurred_at=datetime.now(UTC),
        data={
            "payment_id": "p",
            "booking_id": "b",
            "user_id": "u",
            "amount": 1,
            "currency": "EUR",
            "reason": "x",
        },
    )
    async with TestRabbitBroker(broker):
        await relay.publish(event)
    ((body, message_id),) = received
    assert message_id == event.event_id
    assert body["type"] == "payment.failed" and body["event_id"] == event.event_id and body["version"] == 1
    EVENT_SCHEMAS["payment.failed"].model_validate(body)
