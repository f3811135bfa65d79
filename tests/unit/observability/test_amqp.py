"""The relay's publish span travels in the message headers; the consumer's span continues it, and
consumed and dead-lettered messages are counted (FastStream's in-memory broker)."""

import pytest
from faststream.exceptions import RejectMessage
from faststream.rabbit import RabbitBroker, RabbitQueue, TestRabbitBroker
from opentelemetry.trace import SpanKind
from prometheus_client import REGISTRY

from handlers.common import telemetry
from handlers.common.observability.amqp import ConsumeObserved, publishing
from handlers.common.telemetry.propagation import CORRELATION_ATTRIBUTE, carrier

pytestmark = pytest.mark.unit


def counted(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def broker_with(handler) -> RabbitBroker:
    broker = RabbitBroker(middlewares=[ConsumeObserved])
    broker.subscriber(RabbitQueue("observed.test", routing_key="observed.test"))(handler)
    return broker


async def test_one_trace_from_the_recording_request_through_publish_to_consume(spans):
    seen = []

    async def handle(body: dict) -> None:
        seen.append(telemetry.tracer().start_span("inside").get_span_context().trace_id)

    with telemetry.tracer().start_as_current_span("POST /graphql") as request:
        stored = carrier()  # what record_event keeps with the event
    broker = broker_with(handle)
    before = counted("cinemesh_events_consumed_total", type="observed.test", outcome="ok")
    async with TestRabbitBroker(broker) as test_broker:
        with publishing("", "observed.test", "e-1", stored, "corr-1") as headers:
            await test_broker.publish({}, "observed.test", headers=headers, correlation_id="corr-1")
    by_name = {span.name: span for span in spans.get_finished_spans()}
    publish, process = by_name["publish observed.test"], by_name["process observed.test"]
    assert publish.kind is SpanKind.PRODUCER and process.kind is SpanKind.CONSUMER
    assert publish.parent.span_id == request.context.span_id
    assert process.parent.span_id == publish.context.span_id
    assert {publish.context.trace_id, process.context.trace_id, *seen} == {request.context.trace_id}
    assert process.attributes[CORRELATION_ATTRIBUTE] == "corr-1"
    assert counted("cinemesh_events_consumed_total", type="observed.test", outcome="ok") == before + 1


async def test_a_rejected_message_is_counted_as_dead_lettered():
    async def refuse(body: dict) -> None:
        raise RejectMessage()

    before = counted("cinemesh_events_dead_lettered_total", type="observed.test")
    async with TestRabbitBroker(broker_with(refuse)) as test_broker:
        await test_broker.publish({}, "observed.test")
    assert counted("cinemesh_events_dead_lettered_total", type="observed.test") == before + 1


async def test_publishing_untraced_sends_no_headers():
    with publishing("cinemesh.events", "booking.confirmed", "e-2", {}, None) as headers:
        assert headers == {}
