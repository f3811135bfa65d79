"""gRPC calls observed with grpclib's event hooks: a histogram per method and status, and spans.

Server (``observe_server``): ``RecvRequest`` notes the method and start time in the call's task;
``SendTrailingMetadata`` (sent for every call, refused ones included) records the duration by
status. When tracing, ``RecvRequest`` also wraps the method's handler in a server span continuing
the ``traceparent`` metadata, current while the handler runs (its SQL spans nest under it).

Client (``ObservedChannel``, a grpclib ``Channel``): each call is timed by status and, when tracing,
runs in a client span whose context travels as ``traceparent`` metadata (``SendRequest`` hook).
"""

import time
from contextvars import ContextVar
from types import TracebackType
from typing import Any

from grpclib import GRPCError, Status
from grpclib.client import Channel
from grpclib.events import RecvRequest, SendRequest, SendTrailingMetadata, listen
from grpclib.server import Server
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode
from opentelemetry.trace import Status as SpanStatus

from handlers.common import telemetry
from handlers.common.correlation import CORRELATION_HEADER, current_correlation_id
from handlers.common.observability.metrics import GRPC_CLIENT, GRPC_SERVER
from handlers.common.telemetry.propagation import CORRELATION_ATTRIBUTE, context_of, inject

_call: ContextVar[tuple[str, float]] = ContextVar("grpc_call", default=("?", 0.0))
_METADATA_CORRELATION = CORRELATION_HEADER.lower()
SERVER_FAULTS = frozenset({Status.INTERNAL, Status.UNKNOWN, Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED})


def _attributes(method: str, correlation_id: object) -> dict[str, str]:
    service, _, name = method.strip("/").partition("/")
    attributes = {"rpc.system": "grpc", "rpc.service": service, "rpc.method": name}
    if isinstance(correlation_id, str) and correlation_id:
        attributes[CORRELATION_ATTRIBUTE] = correlation_id
    return attributes


def _traced_handler(event: RecvRequest) -> Any:
    handler, method = event.method_func, event.method_name
    parent = context_of(event.metadata)
    attributes = _attributes(method, event.metadata.get(_METADATA_CORRELATION))

    async def traced(stream: Any) -> None:
        span = telemetry.tracer().start_span(method, parent, SpanKind.SERVER, attributes)
        token = otel_context.attach(trace.set_span_in_context(span, parent))
        try:
            await handler(stream)
        except GRPCError as error:
            span.set_attribute("rpc.grpc.status_code", error.status.value)
            if error.status in SERVER_FAULTS:
                span.set_status(SpanStatus(StatusCode.ERROR, error.message))
            raise
        except BaseException as error:
            span.record_exception(error)
            span.set_status(SpanStatus(StatusCode.ERROR, type(error).__name__))
            raise
        else:
            span.set_attribute("rpc.grpc.status_code", Status.OK.value)
        finally:
            otel_context.detach(token)
            span.end()

    return traced


def observe_server(server: Server) -> None:
    async def received(event: RecvRequest) -> None:
        _call.set((event.method_name, time.perf_counter()))  # grpclib runs each call in its own task
        if telemetry.enabled():
            event.method_func = _traced_handler(event)

    async def answered(event: SendTrailingMetadata) -> None:
        method, started = _call.get()
        GRPC_SERVER.labels(method, event.status.name).observe(time.perf_counter() - started)

    listen(server, RecvRequest, received)
    listen(server, SendTrailingMetadata, answered)


class _ObservedCall:
    """The ``async with channel.request(...)`` of one call, timed and (when tracing) in a client span."""

    def __init__(self, stream: Any, method: str):
        self._stream, self._method = stream, method
        self._span: trace.Span | None = None
        self._token: object = None

    async def __aenter__(self) -> Any:
        self._started = time.perf_counter()
        if telemetry.enabled():
            attributes = _attributes(self._method, current_correlation_id())
            self._span = telemetry.tracer().start_span(
                self._method, kind=SpanKind.CLIENT, attributes=attributes
            )
            self._token = otel_context.attach(trace.set_span_in_context(self._span))
        return await self._stream.__aenter__()

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        try:
            result = await self._stream.__aexit__(kind, error, tb)
        except BaseException as raised:
            self._finish(raised)
            raise
        self._finish(error)
        return result

    def _finish(self, error: BaseException | None) -> None:
        code = "OK" if error is None else error.status.name if isinstance(error, GRPCError) else "UNKNOWN"
        GRPC_CLIENT.labels(self._method, code).observe(time.perf_counter() - self._started)
        if self._span is None:
            return
        otel_context.detach(self._token)  # type: ignore[arg-type]
        if isinstance(error, GRPCError):
            self._span.set_attribute("rpc.grpc.status_code", error.status.value)
        if error is not None and code != "FAILED_PRECONDITION":
            self._span.set_status(SpanStatus(StatusCode.ERROR, code))
        self._span.end()


class ObservedChannel(Channel):
    """A grpclib ``Channel`` whose calls are observed (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)

        async def send_context(event: SendRequest) -> None:
            if telemetry.enabled():
                inject(event.metadata)

        listen(self, SendRequest, send_context)

    def request(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return _ObservedCall(super().request(name, *args, **kwargs), name)
