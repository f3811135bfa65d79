"""The notification worker as an ASGI app: FastStream subscribers plus ``GET /health`` on 8105."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from faststream.asgi import AsgiFastStream, get
from faststream.asgi.response import AsgiResponse, JSONResponse
from faststream.rabbit import RabbitBroker
from redis.asyncio import Redis

from handlers.common.events import declare_topology
from handlers.common.mongo import connect_beanie
from handlers.notification.channels import SimulatedChannels
from handlers.notification.dedupe import EventDedupe
from handlers.notification.models import DOCUMENTS
from handlers.notification.service import NotificationService
from handlers.notification.settings import NotificationSettings
from handlers.notification.subscribers import WORKER, Worker, register_subscribers


def build_broker(settings: NotificationSettings) -> RabbitBroker:
    broker = RabbitBroker(settings.amqp_url, reconnect_interval=1.0)
    register_subscribers(broker)
    return broker


async def build_worker(settings: NotificationSettings, redis: Redis) -> Worker:
    """Connect MongoDB and wire the domain service; the caller owns ``redis``."""
    await connect_beanie(settings.mongo_url, settings.mongo_db, DOCUMENTS)
    dedupe = EventDedupe(
        redis, settings.dedupe_prefix, settings.dedupe_ttl_seconds, settings.claim_ttl_seconds
    )
    service = NotificationService(dedupe, SimulatedChannels(settings.outbox_dir))
    return Worker(service, settings.max_attempts, settings.retry_backoff_seconds)


def create_app(settings: NotificationSettings | None = None) -> AsgiFastStream:
    settings = settings or NotificationSettings()
    broker = build_broker(settings)
    redis = Redis.from_url(settings.redis_url)

    @asynccontextmanager
    async def lifespan() -> AsyncIterator[None]:
        broker.context.set_global(WORKER, await build_worker(settings, redis))
        await broker.connect()
        await declare_topology(broker)
        try:
            yield
        finally:
            await redis.aclose()

    @get(description="Liveness of RabbitMQ and Redis.")
    async def health(scope: dict) -> AsgiResponse:
        checks = {"rabbitmq": await broker.ping(timeout=2.0)}
        try:
            checks["redis"] = bool(await asyncio.wait_for(redis.ping(), 2.0))
        except Exception:
            checks["redis"] = False
        ok = all(checks.values())
        return JSONResponse({"status": "ok" if ok else "degraded", "checks": checks}, 200 if ok else 503)

    return AsgiFastStream(broker, lifespan=lifespan, asgi_routes=[("/health", health)])
