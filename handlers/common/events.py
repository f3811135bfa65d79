"""The event backbone's topology, declared once and shared by publishers and consumers.

One durable topic exchange ``cinemesh.events`` carries every event with its type as the
routing key (see ``contracts/asyncapi/events.yaml``). Each consumer owns one durable queue
per event type it handles, bound with that routing key and dead-lettering to the
``cinemesh.events.dlx`` exchange, whose one queue ``cinemesh.events.dlq`` keeps every
rejected message for inspection. ``declare_topology`` creates all of it idempotently, so
the outbox relay can declare the queues before any consumer ever ran: an event published
early is queued, not dropped.
"""

from faststream.rabbit import ExchangeType, RabbitBroker, RabbitExchange, RabbitPublisher, RabbitQueue
from pydantic import BaseModel

from generated.events import models as ev

EXCHANGE_NAME = "cinemesh.events"
EVENT_SCHEMAS: dict[str, type[BaseModel]] = {
    "user.registered": ev.UserRegisteredEvent,
    "booking.created": ev.BookingCreatedEvent,
    "booking.confirmed": ev.BookingConfirmedEvent,
    "booking.cancelled": ev.BookingCancelledEvent,
    "booking.expired": ev.BookingExpiredEvent,
    "payment.succeeded": ev.PaymentSucceededEvent,
    "payment.failed": ev.PaymentFailedEvent,
    "payment.refunded": ev.PaymentRefundedEvent,
}
EVENT_TYPES = tuple(EVENT_SCHEMAS)

EVENTS_EXCHANGE = RabbitExchange(EXCHANGE_NAME, type=ExchangeType.TOPIC, durable=True)
DEAD_LETTER_EXCHANGE = RabbitExchange(f"{EXCHANGE_NAME}.dlx", type=ExchangeType.TOPIC, durable=True)
DEAD_LETTER_QUEUE = RabbitQueue(f"{EXCHANGE_NAME}.dlq", durable=True, routing_key="#")

NOTIFICATION_EVENTS = (
    "user.registered",
    "booking.confirmed",
    "booking.cancelled",
    "booking.expired",
    "payment.failed",
    "payment.refunded",
)


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
