"""The gateway's ``X-Correlation-ID`` in every service's log, and onwards on outgoing calls.

Wrap a service's ASGI app once (``uvicorn.run(CorrelationIdMiddleware(app), ...)``): every HTTP
request then logs one line ``METHOD /path -> status correlation_id=<id>`` (logger
``cinemesh.access``) and ``current_correlation_id()`` / ``outgoing_headers()`` give the id to
code that calls another service during the request.
"""

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CORRELATION_HEADER = "X-Correlation-ID"
_current: ContextVar[str | None] = ContextVar("correlation_id", default=None)
logger = logging.getLogger("cinemesh.access")


def current_correlation_id() -> str | None:
    return _current.get()


def outgoing_headers() -> dict[str, str]:
    """Headers that carry the current request's correlation id to another service."""
    value = _current.get()
    return {CORRELATION_HEADER: value} if value else {}


@contextmanager
def correlation_id_bound(value: str | None) -> Iterator[None]:
    """``current_correlation_id()`` is ``value`` inside the block (per task, via a context variable)."""
    token = _current.set(value)
    try:
        yield
    finally:
        _current.reset(token)


def set_correlation_id_of_task(value: str | None) -> None:
    """Bind ``value`` for the rest of the current task (a gRPC call's task ends with the call)."""
    _current.set(value)


def ensure_access_log() -> None:
    """Log lines must reach stderr even when the process configured no logging (plain uvicorn.run)."""
    if logger.handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logger.addHandler(handler)
    if logger.level == logging.NOTSET:  # a level set on purpose (e.g. WARNING to silence it) stays
        logger.setLevel(logging.INFO)
    logger.propagate = False


class CorrelationIdMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app
        ensure_access_log()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = CORRELATION_HEADER.lower().encode()
        value = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == header), None)
        status = [500]

        async def send_with_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        with correlation_id_bound(value):
            try:
                await self.app(scope, receive, send_with_status)
            finally:
                if scope.get("path") != "/health":
                    logger.info(
                        "%s %s -> %s correlation_id=%s",
                        scope.get("method"),
                        scope.get("path"),
                        status[0],
                        value or "-",
                    )
