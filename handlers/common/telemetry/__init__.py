"""OpenTelemetry tracing of CineMesh: one ``setup`` per process, then spans for every hop.

Every service and the local gateway call ``setup(name)`` once at start (through
``handlers.common.observability``). With ``CINEMESH_TRACING=off`` (the default) it does nothing: no
tracer provider, no exporter, no instrumentation, and the helpers below add nothing to any request.
With ``on`` it installs a sampled tracer provider writing OTLP JSON lines (``exporter``), instruments
httpx (client spans, ``traceparent`` on every outgoing request), asyncpg and pymongo (a span per
statement or command). The ASGI middleware (``asgi``), gRPC hooks (``grpc``) and AMQP helpers
(``amqp``) are this package's own; ``propagation`` moves the W3C context across the wire.
"""

from handlers.common.telemetry.setup import enabled, setup, shutdown, trace_with, tracer

__all__ = ["enabled", "setup", "shutdown", "trace_with", "tracer"]
