"""The grpclib server of the cinema process: seat inventory plus ``grpc.health.v1``."""

import socket

from grpclib.health.service import Health
from grpclib.server import Server
from sqlalchemy.ext.asyncio import AsyncEngine

from handlers.cinema.grpc_auth import require_booking_service
from handlers.cinema.grpc_service import SeatInventoryService
from handlers.cinema.holds import TtlPolicy
from handlers.cinema.settings import CinemaSettings
from handlers.common.auth import TokenVerifier
from handlers.common.grpc_correlation import log_calls
from handlers.common.observability.grpc import observe_server


def build_server(engine: AsyncEngine, settings: CinemaSettings) -> Server:
    policy = TtlPolicy(settings.hold_ttl_default_seconds, settings.hold_ttl_max_seconds)
    server = Server([SeatInventoryService(engine, policy), Health()])
    log_calls(server)  # first, so that refused calls are logged too
    observe_server(server)
    require_booking_service(server, TokenVerifier.from_settings(settings))
    return server


async def start_server(
    engine: AsyncEngine, settings: CinemaSettings, sock: socket.socket | None = None
) -> Server:
    """Serves on ``settings.host:grpc_port``, or on an already bound ``sock`` (tests, ephemeral ports)."""
    server = build_server(engine, settings)
    if sock is None:
        await server.start(settings.host, settings.grpc_port)
    else:
        await server.start(sock=sock)
    return server
