"""W3C trace context in and out of carriers: HTTP headers, gRPC metadata, AMQP headers, stored events.

``carrier()`` is the current span's context as ``traceparent`` (and ``tracestate``) entries, empty when
nothing is traced, so a caller can store or send it without asking whether tracing is on.
``attached(carrier)`` makes a stored or received context current for the block.
"""

from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

TRACEPARENT = "traceparent"
CORRELATION_ATTRIBUTE = "cinemesh.correlation_id"
_PROPAGATOR = TraceContextTextMapPropagator()


def carrier(context: Context | None = None) -> dict[str, str]:
    """The context's trace position as W3C headers (``{}`` when no valid span is current)."""
    headers: dict[str, str] = {}
    _PROPAGATOR.inject(headers, context=context)
    return headers


def inject(target: MutableMapping[str, Any], context: Context | None = None) -> None:
    """Add ``traceparent``/``tracestate`` of the context (default: the current one) to ``target``."""
    target.update(carrier(context))


def context_of(source: Mapping[str, Any] | None) -> Context:
    """The context a carrier describes (an empty context for a missing or malformed one)."""
    values = {
        key.lower(): value.decode("latin-1") if isinstance(value, bytes) else value
        for key, value in (source or {}).items()
        if isinstance(value, str | bytes)
    }
    return _PROPAGATOR.extract(values, context=Context())


def trace_id_of(source: Mapping[str, Any] | None) -> str | None:
    """The hex trace id a carrier names, if any."""
    span_context = trace.get_current_span(context_of(source)).get_span_context()
    return f"{span_context.trace_id:032x}" if span_context.is_valid else None


@contextmanager
def attached(source: Mapping[str, Any] | None) -> Iterator[Context]:
    """The carrier's context is current inside the block (new spans become its children)."""
    context = context_of(source)
    token = otel_context.attach(context)
    try:
        yield context
    finally:
        otel_context.detach(token)
