"""The correlation id of an outgoing httpx request on its client span."""

from typing import Any

from opentelemetry.trace import Span

from handlers.common.correlation import CORRELATION_HEADER
from handlers.common.telemetry.propagation import CORRELATION_ATTRIBUTE


async def on_request(span: Span, request: Any) -> None:
    value = request.headers.get(CORRELATION_HEADER) if request.headers is not None else None
    if value and span.is_recording():
        span.set_attribute(CORRELATION_ATTRIBUTE, value)
