"""Load kong.yml into the local gateway's model, after Kong's rules and the supported subset pass.

Precedence of plugins follows Kong: a route's plugin replaces the service's plugin of the same
name, which replaces the global one. Consumers get Kong-like deterministic ids (uuid5 of the
username) when kong.yml gives none. A jwt ``anonymous`` naming no consumer of kong.yml is refused
here (Kong would answer every such request 500 "anonymous consumer ... doesn't exist").
"""

import uuid
from pathlib import Path
from typing import Any

import yaml
from cryptography.hazmat.primitives import serialization

from handlers.common.keys import load_public_keys
from mesh.gateway.kong_plugins import PLUGIN_SCHEMAS
from mesh.gateway.kong_schema import validate
from mesh.gateway.model import Consumer, GatewayConfig, JwtCredential, Plugin, Route, Service
from mesh.gateway.support import unsupported

PUBLIC_KEY_PLACEHOLDER = "${CINEMESH_JWT_PUBLIC_KEY}"


class ConfigError(Exception):
    """kong.yml is not valid Kong 3 configuration, or uses what the local gateway lacks."""

    def __init__(self, problems: list[str]):
        super().__init__("kong.yml refused:\n  " + "\n  ".join(problems))
        self.problems = problems


def _plugins(entries: list | None, inherited: dict[str, Plugin]) -> dict[str, Plugin]:
    own = {
        p["name"]: Plugin(p["name"], PLUGIN_SCHEMAS[p["name"]].with_defaults(p.get("config")))
        for p in entries or []
        if p.get("enabled", True)
    }
    return {**inherited, **own}


def _service(entry: dict, upstreams: dict[str, str]) -> Service:
    url = entry.get("url") or f"{entry.get('protocol', 'http')}://{entry['host']}:{entry.get('port', 80)}" + (
        entry.get("path") or ""
    )
    url = upstreams.get(entry["name"], url)
    timeouts = {
        k: entry[k] for k in ("retries", "connect_timeout", "write_timeout", "read_timeout") if k in entry
    }
    return Service(name=entry["name"], url=url.rstrip("/"), **timeouts)


def _route(entry: dict, service: Service | None, inherited: dict[str, Plugin]) -> Route:
    return Route(
        name=entry.get("name") or str(uuid.uuid4()),
        service=service,
        methods=frozenset(entry["methods"]) if entry.get("methods") else None,
        paths=tuple(entry.get("paths") or ["/"]),
        strip_path=entry.get("strip_path", True),
        preserve_host=entry.get("preserve_host", False),
        regex_priority=entry.get("regex_priority", 0),
        plugins=_plugins(entry.get("plugins"), inherited),
        headers=tuple((name.lower(), tuple(values)) for name, values in (entry.get("headers") or {}).items()),
    )


def _public_keys(pem: str, keys_dir: Path) -> dict[str, Any]:
    if pem == PUBLIC_KEY_PLACEHOLDER:
        keys = load_public_keys(keys_dir)
        if not keys:
            raise ConfigError([f"no *.public.pem in {keys_dir} for the {PUBLIC_KEY_PLACEHOLDER} placeholder"])
        return keys
    return {"": serialization.load_pem_public_key(pem.encode())}


def _consumer(entry: dict) -> Consumer:
    name = entry.get("username") or entry.get("custom_id")
    return Consumer(
        id=entry.get("id") or str(uuid.uuid5(uuid.NAMESPACE_URL, f"kong-consumer:{name}")),
        username=entry.get("username"),
        custom_id=entry.get("custom_id"),
    )


def _credentials(consumers: list | None, keys_dir: Path) -> dict[str, JwtCredential]:
    credentials = {}
    for entry in consumers or []:
        for secret in entry.get("jwt_secrets") or []:
            credentials[secret["key"]] = JwtCredential(
                key=secret["key"],
                algorithm=secret.get("algorithm", "HS256"),
                public_keys=_public_keys(secret["rsa_public_key"], keys_dir),
                consumer=_consumer(entry),
            )
    return credentials


def _consumers(entries: list | None) -> dict[str, Consumer]:
    consumers = [_consumer(entry) for entry in entries or []]
    return {key: c for c in consumers for key in (c.id, c.username) if key}


def _missing_anonymous(routes: list[Route], consumers: dict[str, Consumer]) -> list[str]:
    return [
        f"route {route.name!r} plugin 'jwt': anonymous consumer {anonymous!r} is not a consumer of kong.yml"
        for route in routes
        if (anonymous := route.plugins["jwt"].config.get("anonymous") if "jwt" in route.plugins else None)
        and anonymous not in consumers
    ]


def build(
    doc: dict,
    keys_dir: Path,
    upstreams: dict[str, str] | None = None,
    redis_override: dict[str, Any] | None = None,
) -> GatewayConfig:
    """The runtime model of ``doc``; raises ConfigError listing every refusal."""
    problems = validate(doc) or unsupported(doc)
    if problems:
        raise ConfigError(problems)
    global_plugins = _plugins(doc.get("plugins"), {})
    routes = []
    for entry in doc.get("services") or []:
        service = _service(entry, upstreams or {})
        service_plugins = _plugins(entry.get("plugins"), global_plugins)
        routes += [_route(r, service, service_plugins) for r in entry.get("routes") or []]
    routes += [_route(r, None, global_plugins) for r in doc.get("routes") or []]
    consumers = _consumers(doc.get("consumers"))
    if problems := _missing_anonymous(routes, consumers):
        raise ConfigError(problems)
    if redis_override:
        for plugins in [global_plugins, *(route.plugins for route in routes)]:
            limiter = plugins.get("rate-limiting")
            if limiter and limiter.config.get("policy") == "redis":
                limiter.config["redis"] = {**limiter.config["redis"], **redis_override}
    return GatewayConfig(
        routes=routes,
        credentials=_credentials(doc.get("consumers"), keys_dir),
        consumers=consumers,
        global_plugins=global_plugins,
    )


def load(path: Path, keys_dir: Path, **overrides: Any) -> GatewayConfig:
    return build(yaml.safe_load(path.read_text()), keys_dir, **overrides)
