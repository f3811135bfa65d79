"""A server span for each HTTP request an ASGI app answers.

The span continues the caller's ``traceparent`` (else starts a trace), is current while the app runs
(so database, gRPC and HTTP client spans nest under it), and is named ``METHOD route`` once the app
routed the request: a route name the app stored (the gateway's route, booking's GraphQL operation),
the OpenAPI operation id connexion chose, or the Starlette route's path (``route_label``). It carries
the ``X-Correlation-ID`` of the request, or the one the gateway answered with.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from handlers.common.correlation import CORRELATION_HEADER
from handlers.common.telemetry.propagation import CORRELATION_ATTRIBUTE, context_of
from handlers.common.telemetry.setup import tracer

ROUTE_KEY = "cinemesh.route"  # a route name the app stored in the request scope (the gateway)
# ... or named from deeper in the app, in the request's task (booking's GraphQL operation)
_named_route: ContextVar[str | None] = ContextVar("cinemesh_route", default=None)
_CORRELATION = CORRELATION_HEADER.lower().encode()


def name_route(label: str) -> None:
    """Name the current request's route from inside the app (the observing layer reads it at the end)."""
    _named_route.set(label)


@contextmanager
def route_naming() -> Iterator[None]:
    """A request's span of ``name_route`` (the observing layer's request, not the connection's)."""
    token = _named_route.set(None)
    try:
        yield
    finally:
        _named_route.reset(token)


def route_label(scope: Scope) -> str | None:
    """The route the app matched, as a low-cardinality label (None: nothing matched)."""
    if label := scope.get(ROUTE_KEY) or _named_route.get():
        return str(label)
    routing = scope.get("extensions", {}).get("connexion_routing", {})
    if routing.get("operation_id"):
        return str(routing["operation_id"])
    if (route := scope.get("route")) is not None and hasattr(route, "path"):
        return str(route.path)
    return None


def _header(headers: Any, name: bytes) -> str | None:
    return next((v.decode("latin-1") for k, v in headers or [] if k == name), None)


class TracingMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = scope.get("headers", [])
        parent = context_of(
            {k.decode("latin-1"): v for k, v in headers if k in (b"traceparent", b"tracestate")}
        )
        method = scope.get("method", "GET")
        span = tracer().start_span(
            f"{method} {scope.get('path', '')}",
            context=parent,
            kind=SpanKind.SERVER,
            attributes={"http.request.method": method, "url.path": scope.get("path", "")},
        )
        correlation = _header(headers, _CORRELATION)
        status = [500]

        async def send_observed(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                nonlocal correlation
                correlation = correlation or _header(message.get("headers"), _CORRELATION)
            await send(message)

        token = otel_context.attach(trace.set_span_in_context(span, parent))
        try:
            await self.app(scope, receive, send_observed)
        except Exception as exc:
            span.record_exception(exc)
            raise
        finally:
            otel_context.detach(token)
            route = route_label(scope)
            if route:
                span.update_name(f"{method} {route}")
                span.set_attribute("http.route", route)
            span.set_attribute("http.response.status_code", status[0])
            if correlation:
                span.set_attribute(CORRELATION_ATTRIBUTE, correlation)
            if status[0] >= 500:
                span.set_status(Status(StatusCode.ERROR))
            span.end()
