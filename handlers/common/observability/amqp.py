"""Events on RabbitMQ, observed: the relay's publish span and the consumers' process span and counts.

Publishing (``publishing``): the outbox relay publishes an event long after the request that recorded
it ended, so the event keeps that request's trace context and correlation id (``OutboxEvent.trace``,
``correlation_id``). The publish span is a child of that context and travels in the message headers
(``traceparent``); the correlation id is the message's AMQP ``correlation_id``.

Consuming (``ConsumeObserved``, a FastStream middleware): a process span continuing the message's
``traceparent``, current while the subscriber runs, with the correlation id bound for its logs; and
``cinemesh_events_consumed_total`` / ``cinemesh_events_dead_lettered_total`` by outcome.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from faststream import BaseMiddleware
from faststream.exceptions import AckMessage, NackMessage
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from handlers.common import telemetry
from handlers.common.correlation import correlation_id_bound
from handlers.common.observability.metrics import EVENTS_CONSUMED, EVENTS_DEAD_LETTERED
from handlers.common.telemetry.propagation import CORRELATION_ATTRIBUTE, carrier, context_of

SYSTEM = "rabbitmq"


@contextmanager
def publishing(
    exchange: str, event_type: str, event_id: str, origin: dict[str, str], correlation_id: str | None
) -> Iterator[dict[str, str]]:
    """A producer span under ``origin`` (a stored carrier) for the block; yields the headers to send."""
    if not telemetry.enabled():
        yield {}
        return
    attributes = {
        "messaging.system": SYSTEM,
        "messaging.operation.type": "publish",
        "messaging.destination.name": exchange,
        "messaging.rabbitmq.destination.routing_key": event_type,
        "messaging.message.id": event_id,
    }
    if correlation_id:
        attributes[CORRELATION_ATTRIBUTE] = correlation_id
    with telemetry.tracer().start_as_current_span(
        f"publish {event_type}", context=context_of(origin), kind=SpanKind.PRODUCER, attributes=attributes
    ):
        yield carrier()


def _outcome(error: BaseException | None) -> str:
    if error is None or isinstance(error, AckMessage):
        return "ok"
    if isinstance(error, NackMessage):
        return "retried"
    return "dead_lettered"  # RejectMessage, or any error under AckPolicy.REJECT_ON_ERROR


class ConsumeObserved(BaseMiddleware):
    async def consume_scope(self, call_next: Any, msg: Any) -> Any:
        event_type = getattr(msg.raw_message, "routing_key", None) or "?"
        error: BaseException | None = None
        span = None
        token = None
        if telemetry.enabled():
            parent = context_of(msg.headers)
            attributes = {
                "messaging.system": SYSTEM,
                "messaging.operation.type": "process",
                "messaging.rabbitmq.destination.routing_key": event_type,
                "messaging.message.id": msg.message_id or "",
            }
            if msg.correlation_id:
                attributes[CORRELATION_ATTRIBUTE] = msg.correlation_id
            span = telemetry.tracer().start_span(
                f"process {event_type}", context=parent, kind=SpanKind.CONSUMER, attributes=attributes
            )
            token = otel_context.attach(trace.set_span_in_context(span, parent))
        try:
            with correlation_id_bound(msg.correlation_id or None):
                return await call_next(msg)
        except BaseException as raised:
            error = raised
            raise
        finally:
            outcome = _outcome(error)
            EVENTS_CONSUMED.labels(event_type, outcome).inc()
            if outcome == "dead_lettered":
                EVENTS_DEAD_LETTERED.labels(event_type).inc()
            if span is not None:
                otel_context.detach(token)  # type: ignore[arg-type]
                span.set_attribute("cinemesh.outcome", outcome)
                if outcome == "dead_lettered":
                    span.set_status(Status(StatusCode.ERROR, type(error).__name__))
                span.end()
