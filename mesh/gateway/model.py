"""The local gateway's runtime model of kong.yml: services, routes with their plugins, credentials."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Plugin:
    name: str
    config: dict[str, Any]


@dataclass(frozen=True)
class Service:
    name: str
    url: str
    retries: int = 5
    connect_timeout: int = 60000
    write_timeout: int = 60000
    read_timeout: int = 60000


@dataclass(frozen=True)
class Route:
    name: str
    service: Service | None
    methods: frozenset[str] | None
    paths: tuple[str, ...]
    strip_path: bool = True
    preserve_host: bool = False
    regex_priority: int = 0
    plugins: dict[str, Plugin] = field(default_factory=dict)
    # Kong's ``headers``: name (lower case) -> values; a value starting with ``~*`` is a regex.
    headers: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Consumer:
    id: str
    username: str | None
    custom_id: str | None


@dataclass(frozen=True)
class JwtCredential:
    key: str
    algorithm: str
    public_keys: dict[str, Any]
    consumer: Consumer


@dataclass
class GatewayConfig:
    routes: list[Route]
    credentials: dict[str, JwtCredential]
    # Every consumer by id and by username (how Kong's ``anonymous`` finds one).
    consumers: dict[str, Consumer] = field(default_factory=dict)
    # What applies when no route matched (the router's 404, a refused request target).
    global_plugins: dict[str, Plugin] = field(default_factory=dict)
