"""The correlation id of an outgoing httpx request on its client span, and its URL without the query."""

from typing import Any

import httpx
from opentelemetry.trace import Span

from handlers.common.correlation import CORRELATION_HEADER
from handlers.common.telemetry.propagation import CORRELATION_ATTRIBUTE

URL_KEYS = ("http.url", "url.full")


async def on_request(span: Span, request: Any) -> None:
    """Add the correlation id; record the URL without its query (a client may send ``?jwt=<token>``)."""
    if not span.is_recording():
        return
    value = request.headers.get(CORRELATION_HEADER) if request.headers is not None else None
    if value:
        span.set_attribute(CORRELATION_ATTRIBUTE, value)
    if isinstance(request.url, httpx.URL):
        recorded = getattr(span, "attributes", None) or {}
        for key in URL_KEYS:  # the old semantic conventions' name or the new one, as configured
            if key in recorded:
                span.set_attribute(key, str(request.url.copy_with(query=None, fragment=None)))
