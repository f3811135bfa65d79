"""W3C trace context across carriers: what is sent is what the other side continues."""

import re

import pytest
from opentelemetry import trace

from handlers.common import telemetry
from handlers.common.telemetry.propagation import carrier, context_of, inject

pytestmark = pytest.mark.unit


def trace_id_of(source) -> str | None:
    context = trace.get_current_span(context_of(source)).get_span_context()
    return f"{context.trace_id:032x}" if context.is_valid else None


TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-0[13]$")  # sampled (and random)


def test_nothing_is_carried_while_nothing_is_traced():
    assert carrier() == {}
    assert trace_id_of({}) is None


def test_the_current_span_travels_as_a_traceparent(spans):
    with telemetry.tracer().start_as_current_span("request") as span:
        headers = carrier()
    context = span.get_span_context()
    match = TRACEPARENT.match(headers["traceparent"])
    assert match, headers
    assert match.groups() == (f"{context.trace_id:032x}", f"{context.span_id:016x}")


def test_a_carried_context_is_continued_by_the_receiver(spans):
    with telemetry.tracer().start_as_current_span("sender") as sender:
        metadata: dict = {"authorization": "Bearer x"}
        inject(metadata)
    assert metadata["authorization"] == "Bearer x"
    with telemetry.tracer().start_as_current_span("receiver", context=context_of(metadata)) as receiver:
        pass
    assert receiver.context.trace_id == sender.context.trace_id
    assert receiver.parent.span_id == sender.context.span_id
    assert trace.get_current_span() is trace.INVALID_SPAN  # detached after the block


def test_header_names_and_bytes_values_as_transports_give_them(spans):
    with telemetry.tracer().start_as_current_span("sender") as sender:
        value = carrier()["traceparent"]
    received = {"TraceParent": value.encode("latin-1")}
    assert trace_id_of(received) == f"{sender.context.trace_id:032x}"


@pytest.mark.parametrize(
    "traceparent",
    ["", "garbage", "00-" + "0" * 32 + "-" + "1" * 16 + "-01", "00-" + "a" * 32 + "-" + "0" * 16 + "-01"],
)
def test_a_malformed_or_invalid_traceparent_starts_no_trace(traceparent):
    assert trace_id_of({"traceparent": traceparent}) is None
    assert not trace.get_current_span(context_of({"traceparent": traceparent})).get_span_context().is_valid


def test_tracing_off_creates_no_recording_span():
    with telemetry.tracer().start_as_current_span("ignored") as span:
        assert not span.is_recording()
        assert carrier() == {}
