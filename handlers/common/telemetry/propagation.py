"""W3C trace context in and out of carriers: HTTP headers, gRPC metadata, AMQP headers, stored events.

``carrier()`` is the current span's context as ``traceparent`` (and ``tracestate``) entries, empty when
nothing is traced, so a caller can store or send it without asking whether tracing is on;
``context_of(carrier)`` is the context a stored or received carrier describes (the parent of the next
span).
"""

from collections.abc import Mapping, MutableMapping
from typing import Any

from opentelemetry.context import Context
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

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
