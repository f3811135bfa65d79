"""Observability of a CineMesh process: traces (``handlers.common.telemetry``), Prometheus metrics and
readiness (``ops``), set up once at start::

    observability.setup("user")                       # tracing per CINEMESH_TRACING; first thing
    uvicorn.run(observability.observed(app), ...)     # /metrics, /health/live, /health/ready, RED, spans
"""

from starlette.types import ASGIApp

from handlers.common import telemetry
from handlers.common.observability.mongo_pool import watch_pools
from handlers.common.observability.ops import OpsEndpoints
from handlers.common.telemetry.asgi import TracingMiddleware


def setup(service: str) -> bool:
    """Watch MongoDB pools; start tracing this process as ``service`` if the settings say so (returns
    whether it traces)."""
    watch_pools()
    return telemetry.setup(service)


def observed(app: ASGIApp, expose: bool = True) -> ASGIApp:
    """``app`` with the operator's endpoints (unless ``expose`` is False), RED metrics and, when
    tracing, a server span per request."""
    inner = TracingMiddleware(app) if telemetry.enabled() else app
    return OpsEndpoints(inner, expose=expose)
