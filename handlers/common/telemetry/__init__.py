"""OpenTelemetry tracing of CineMesh: one ``setup`` per process, then spans for every hop.

Every service and the local gateway call ``setup(name)`` once at start (through
``handlers.common.observability``). With ``CINEMESH_TRACING=off`` (the default) it does nothing: no
tracer provider, no exporter, no instrumentation, and the helpers add nothing to any request. With
``on`` it installs a sampled tracer provider writing OTLP JSON lines (``exporter``; also OTLP/HTTP to a
collector or Jaeger when ``CINEMESH_OTLP_ENDPOINT`` is set) and instruments httpx (client spans,
``traceparent`` on every outgoing request), asyncpg and pymongo (a span per statement or command).
HTTP server spans are ``asgi``'s; ``propagation`` moves the W3C context across the wire; the gRPC and
AMQP spans are made in ``handlers.common.observability`` (``grpc``, ``amqp``).
"""

from handlers.common.telemetry.setup import enabled, setup, trace_with, tracer

__all__ = ["enabled", "setup", "trace_with", "tracer"]
