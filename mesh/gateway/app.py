"""The local gateway as an ASGI app: match a route, run its plugins, forward, decorate the response."""

import logging
import time
from contextlib import asynccontextmanager
from urllib.parse import quote

import httpx
from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route as StarletteRoute

from mesh.gateway.declarative import load
from mesh.gateway.model import GatewayConfig
from mesh.gateway.plugins import build_chain
from mesh.gateway.plugins.base import Exchange, kong_error
from mesh.gateway.proxy import forward
from mesh.gateway.router import Match, Router
from mesh.gateway.settings import GatewaySettings

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"]
logger = logging.getLogger("mesh.gateway")


class RedisPool:
    """One client per distinct Redis address in kong.yml."""

    def __init__(self) -> None:
        self._clients: dict[tuple, Redis] = {}

    def __call__(self, conf: dict) -> Redis:
        key = (conf.get("host"), conf.get("port"), conf.get("database"), conf.get("username"))
        if key not in self._clients:
            self._clients[key] = Redis(
                host=conf.get("host") or "127.0.0.1",
                port=conf.get("port", 6379),
                db=conf.get("database", 0),
                username=conf.get("username"),
                password=conf.get("password"),
                socket_timeout=conf.get("timeout", 2000) / 1000,
                socket_connect_timeout=conf.get("timeout", 2000) / 1000,
            )
        return self._clients[key]

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()


class Gateway:
    def __init__(self, config: GatewayConfig, client: httpx.AsyncClient, redis_pool: RedisPool):
        self.router = Router(config.routes)
        self.client = client
        self.chains = {
            route.name: build_chain(route, config.credentials, redis_pool) for route in config.routes
        }

    async def handle(self, request: Request) -> Response:
        started = time.perf_counter()
        match = self.router.match(request.method, request.url.path)
        if match is None:
            return kong_error(404, "no Route matched with those values")
        client_ip = request.client.host if request.client else "0.0.0.0"
        exchange = Exchange(request=request, route=match.route, client_ip=client_ip)
        chain = self.chains[match.route.name]
        response = None
        for plugin in chain:
            response = await plugin.access(exchange)
            if response is not None:
                break
        if response is None:
            if match.route.service is None:
                response = kong_error(503, "no Service found with those values")
            else:
                response = await forward(self.client, exchange, _upstream_path(request, match))
        headers = response.headers
        for name, value in exchange.response_headers.items():
            headers[name] = value
        for plugin in chain:
            plugin.header_filter(exchange, headers)
        upstream_ms = int(headers.get("x-kong-upstream-latency", 0))
        spent_ms = int((time.perf_counter() - started) * 1000) - upstream_ms
        headers["x-kong-proxy-latency"] = str(max(0, spent_ms))
        logger.info(
            "%s %s -> %s route=%s correlation_id=%s",
            request.method,
            request.url.path,
            response.status_code,
            match.route.name,
            _correlation_id(exchange),
        )
        return response


def _correlation_id(exchange: Exchange) -> str:
    plugin = exchange.route.plugins.get("correlation-id")
    return exchange.upstream_headers.get(plugin.config["header_name"], "-") if plugin else "-"


def _upstream_path(request: Request, match: Match) -> str:
    """The path as the client encoded it (``%2F`` stays ``%2F``) unless strip_path rewrote it."""
    if match.route.strip_path:
        return quote(match.upstream_path, safe="/:@!$&'()*+,;=-._~")
    return request.scope.get("raw_path", b"").decode("latin-1") or quote(match.upstream_path)


def create_app(settings: GatewaySettings | None = None) -> Starlette:
    settings = settings or GatewaySettings()
    config = load(
        settings.kong_config,
        settings.jwt_keys_dir,
        upstreams=settings.upstreams,
        redis_override=settings.redis_override(),
    )

    @asynccontextmanager
    async def lifespan(app: Starlette):
        limits = httpx.Limits(max_connections=settings.max_connections, max_keepalive_connections=50)
        redis_pool = RedisPool()
        async with httpx.AsyncClient(limits=limits, follow_redirects=False) as client:
            app.state.gateway = Gateway(config, client, redis_pool)
            yield
        await redis_pool.aclose()

    async def endpoint(request: Request) -> Response:
        return await request.app.state.gateway.handle(request)

    return Starlette(routes=[StarletteRoute("/{path:path}", endpoint, methods=METHODS)], lifespan=lifespan)
