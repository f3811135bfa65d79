"""The local gateway as an ASGI app: match a route, run its plugins, forward, decorate the response."""

import logging
import time
import traceback
from contextlib import asynccontextmanager

import httpx
import uvicorn
from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import request_response
from starlette.types import ASGIApp

from handlers.common import keepalive
from handlers.common.telemetry.asgi import ROUTE_KEY
from mesh.gateway.client_ip import RealIp
from mesh.gateway.declarative import load
from mesh.gateway.model import GatewayConfig, Route
from mesh.gateway.plugins import build_chain
from mesh.gateway.plugins.base import Exchange, kong_error
from mesh.gateway.proxy import forward
from mesh.gateway.request_target import bad_path
from mesh.gateway.router import Match, Router
from mesh.gateway.settings import GatewaySettings
from mesh.gateway.uri import escape, normalize

UNROUTED = "(no route)"
NO_ROUTE = "no Route matched with those values"
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
    def __init__(
        self, config: GatewayConfig, client: httpx.AsyncClient, redis_pool: RedisPool, real_ip: RealIp
    ):
        self.router = Router(config.routes)
        self.client = client
        self.real_ip = real_ip
        self.chains = {
            route.name: build_chain(route, config.credentials, config.consumers, redis_pool)
            for route in config.routes
        }
        # Kong runs the global plugins' header_filter on the answers it gives before any route.
        self.unrouted = Route(
            name=UNROUTED, service=None, methods=None, paths=(), plugins=config.global_plugins
        )
        self.unrouted_chain = build_chain(self.unrouted, config.credentials, config.consumers, redis_pool)

    async def handle(self, request: Request) -> Response:
        started = time.perf_counter()
        raw_path = request.scope.get("raw_path") or request.scope["path"].encode()
        peer = request.client.host if request.client else "0.0.0.0"
        addresses = self.real_ip.addresses(peer, request.headers)
        refusal = bad_path(raw_path)
        # Routed on the path as Kong's router normalises it (``%2F`` stays encoded, no dot segment).
        routed = None if refusal else normalize(raw_path).decode("utf-8")
        match = None if routed is None else self.router.match(request.method, routed, request.headers)
        request.scope[ROUTE_KEY] = match.route.name if match else UNROUTED
        exchange = Exchange(
            request=request,
            route=match.route if match else self.unrouted,
            client_ip=addresses.client,
            peer_ip=addresses.peer,
            trusted_peer=self.real_ip.is_trusted(peer),
        )
        if match is None:
            chain = self.unrouted_chain
            response = kong_error(400, "Bad request") if refusal else kong_error(404, NO_ROUTE)
        else:
            chain = self.chains[match.route.name]
            response = await self._proxy(exchange, chain, match)
        headers = response.headers
        for name, value in exchange.response_headers.items():
            headers[name] = value
        for plugin in chain:
            plugin.header_filter(exchange, headers)
        upstream_ms = int(headers.get("x-kong-upstream-latency", 0))
        spent_ms = int((time.perf_counter() - started) * 1000) - upstream_ms
        headers["x-kong-proxy-latency"] = str(max(0, spent_ms))
        # The path as sent (percent-encoded: no control character reaches the log), never the query.
        logger.info(
            "%s %s -> %s route=%s correlation_id=%s%s",
            request.method,
            raw_path.decode("latin-1"),
            response.status_code,
            exchange.route.name,
            _correlation_id(exchange),
            f" refused={refusal}" if refusal else "",
        )
        return response

    async def _proxy(self, exchange: Exchange, chain: list, match: Match) -> Response:
        try:
            for plugin in chain:
                response = await plugin.access(exchange)
                if response is not None:
                    return response
            if match.route.service is None:
                return kong_error(503, "no Service found with those values")
            return await forward(self.client, exchange, escape(match.upstream_path.encode("utf-8")))
        except Exception as exc:  # Kong's answer to a failing plugin; the message may quote the request
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            logger.error(
                "route %s: unexpected %s at %s:%s",
                match.route.name,
                type(exc).__name__,
                frame.filename,
                frame.lineno,
            )
            return kong_error(500, "An unexpected error occurred")


def _correlation_id(exchange: Exchange) -> str:
    plugin = exchange.route.plugins.get("correlation-id")
    return exchange.upstream_headers.get(plugin.config["header_name"], "-") if plugin else "-"


def create_app(settings: GatewaySettings | None = None) -> Starlette:
    settings = settings or GatewaySettings()
    # The access log above is the one line per request: httpx's own INFO line would repeat it with
    # the upstream URL, query string included (a ``?jwt=`` token).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    config = load(
        settings.kong_config,
        settings.jwt_keys_dir,
        upstreams=settings.upstreams,
        redis_override=settings.redis_override(),
    )

    @asynccontextmanager
    async def lifespan(app: Starlette):
        limits = keepalive.limits(  # idle upstream connections dropped before the upstream drops them
            max_connections=settings.max_connections,
            max_keepalive_connections=settings.upstream_keepalive_pool_size,
        )
        redis_pool = RedisPool()
        async with httpx.AsyncClient(limits=limits, follow_redirects=False) as client:
            app.state.gateway = Gateway(config, client, redis_pool, settings.real_ip())
            yield
        await redis_pool.aclose()

    async def endpoint(request: Request) -> Response:
        return await request.app.state.gateway.handle(request)

    app = Starlette(lifespan=lifespan)
    # Every request reaches the gateway, whatever its method or path: a route pattern here would
    # turn away a path whose decoded form holds a line break before the gateway could refuse it.
    app.router.default = request_response(endpoint)
    return app


def server_config(app: ASGIApp, settings: GatewaySettings) -> uvicorn.Config:
    """How the gateway is served. ``proxy_headers=False``: uvicorn would otherwise replace the client
    address with ``X-Forwarded-For`` from loopback peers before the gateway sees the request; the
    gateway decides that itself, from ``trusted_ips`` (``RealIp``)."""
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
        lifespan="on",
    )
