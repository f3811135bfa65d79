"""The local gateway's plugins, built once per route in Kong's priority order."""

from collections.abc import Callable

from redis.asyncio import Redis

from mesh.gateway.model import Consumer, JwtCredential, Route
from mesh.gateway.plugins.base import GatewayPlugin
from mesh.gateway.plugins.basic import (
    CorrelationIdPlugin,
    RequestSizeLimitingPlugin,
    RequestTerminationPlugin,
)
from mesh.gateway.plugins.cors import CorsPlugin
from mesh.gateway.plugins.jwt_auth import JwtPlugin
from mesh.gateway.plugins.rate_limiting import RateLimitingPlugin
from mesh.gateway.plugins.response_transformer import ResponseTransformerPlugin


def build_chain(
    route: Route,
    credentials: dict[str, JwtCredential],
    consumers: dict[str, Consumer],
    redis_for: Callable[[dict], Redis],
) -> list[GatewayPlugin]:
    factories: dict[str, Callable[[dict], GatewayPlugin]] = {
        "correlation-id": CorrelationIdPlugin,
        "cors": CorsPlugin,
        "jwt": lambda config: JwtPlugin(config, credentials, consumers),
        "request-size-limiting": RequestSizeLimitingPlugin,
        "rate-limiting": lambda config: RateLimitingPlugin(config, redis_for),
        "request-termination": RequestTerminationPlugin,
        "response-transformer": ResponseTransformerPlugin,
    }
    chain = [factories[plugin.name](plugin.config) for plugin in route.plugins.values()]
    return sorted(chain, key=lambda plugin: -plugin.priority)
