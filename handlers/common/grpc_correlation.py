"""The gateway's correlation id across gRPC calls, like ``correlation`` does for HTTP.

``send_correlation_id(channel)``: every call on the channel carries the current request's
correlation id as ``x-correlation-id`` metadata. ``log_calls(server)``: the server logs one line
per call, ``gRPC /package.Service/Method -> STATUS correlation_id=<id>`` (logger
``cinemesh.access``), with the id bound for the handler's own log lines and outgoing calls.
"""

from contextvars import ContextVar

from grpclib.client import Channel
from grpclib.events import RecvRequest, SendRequest, SendTrailingMetadata, listen
from grpclib.server import Server

from handlers.common.correlation import (
    CORRELATION_HEADER,
    current_correlation_id,
    ensure_access_log,
    logger,
    set_correlation_id_of_task,
)

METADATA_KEY = CORRELATION_HEADER.lower()
_method: ContextVar[str] = ContextVar("grpc_method", default="?")


def send_correlation_id(channel: Channel) -> None:
    async def add_metadata(event: SendRequest) -> None:
        value = current_correlation_id()
        if value:
            event.metadata[METADATA_KEY] = value

    listen(channel, SendRequest, add_metadata)


def log_calls(server: Server) -> None:
    async def received(event: RecvRequest) -> None:
        # grpclib dispatches both events inside the task that handles the call
        _method.set(event.method_name)
        value = event.metadata.get(METADATA_KEY)  # str: only "-bin" keys carry bytes
        set_correlation_id_of_task(value if isinstance(value, str) else None)

    async def answered(event: SendTrailingMetadata) -> None:
        logger.info(
            "gRPC %s -> %s correlation_id=%s",
            _method.get(),
            event.status.name,
            current_correlation_id() or "-",
        )

    ensure_access_log()
    listen(server, RecvRequest, received)
    listen(server, SendTrailingMetadata, answered)
