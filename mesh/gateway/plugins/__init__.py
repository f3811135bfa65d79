"""The local gateway's plugins, built once per route in Kong's priority order."""

from collections.abc import Callable

from redis.asyncio import Redis

from mesh.gateway.model import JwtCredential, Route
from mesh.gateway.plugins.base import GatewayPlugin
from mesh.gateway.plugins.basic import (
    CorrelationIdPlugin,
    RequestSizeLimitingPlugin,
    RequestTerminationPlugin,
)
from mesh.gateway.plugins.cors import CorsPlugin
from mesh.gateway.plugins.jwt_auth import JwtPlugin
from mesh.gateway.plugins.rate_limiting import RateLimitingPlugin


def build_chain(
    route: Route, credentials: dict[str, JwtCredential], redis_for: Callable[[dict], Redis]
) -> list[GatewayPlugin]:
    factories: dict[str, Callable[[dict], GatewayPlugin]] = {
        "correlation-id": CorrelationIdPlugin,
        "cors": CorsPlugin,
        "jwt": lambda config: JwtPlugin(config, credentials),
        "request-size-limiting": RequestSizeLimitingPlugin,
        "rate-limiting": lambda config: RateLimitingPlugin(config, redis_for),
        "request-termination": RequestTerminationPlugin,
    }
    chain = [factories[plugin.name](plugin.config) for plugin in route.plugins.values()]
    return sorted(chain, key=lambda plugin: -plugin.priority)
