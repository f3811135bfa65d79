"""``python -m handlers.cinema``: migrate, then serve REST (8102) and gRPC (50051) in one process."""

import asyncio
import contextlib
import logging

import uvicorn

from handlers.cinema.app import create_app
from handlers.cinema.db import make_engine
from handlers.cinema.grpc_server import start_server
from handlers.cinema.migrate import migrate
from handlers.cinema.observed import observe_engine
from handlers.cinema.seat_map import run_sweeper
from handlers.cinema.settings import CinemaSettings
from handlers.common import observability
from handlers.common.correlation import CorrelationIdMiddleware


async def serve(settings: CinemaSettings) -> None:
    await migrate(settings)
    engine = make_engine(settings)
    observe_engine(engine)
    grpc_server = await start_server(engine, settings)
    sweeper = asyncio.create_task(run_sweeper(engine, settings.sweep_interval_seconds))
    app = observability.observed(CorrelationIdMiddleware(create_app(settings, engine)))
    config = uvicorn.Config(app, host=settings.host, port=settings.http_port)
    try:
        await uvicorn.Server(config).serve()
    finally:
        sweeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sweeper
        grpc_server.close()
        await grpc_server.wait_closed()
        await engine.dispose()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    observability.setup("cinema")
    asyncio.run(serve(CinemaSettings()))
