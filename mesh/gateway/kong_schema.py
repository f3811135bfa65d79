"""Kong 3 declarative-configuration rules (``_format_version: "3.0"``), checked without Kong.

What is checked, all from Kong 3's entity schemas: the top-level keys; every field of services,
routes, consumers, jwt_secrets and plugins (unknown field = error, with types, enums, ranges);
plugin names (bundled plugins only) and their config keys (``kong_plugins``); route rules (at least
one of methods/hosts/headers/paths, paths start with ``/`` or ``~`` and regexes compile); names
unique per entity type; one plugin of a given name per scope; ``rsa_public_key`` for RS/ES/PS
jwt secrets; route ``headers`` (header names, no ``host``, ``~*`` regexes compile).
One rule is stricter than Kong: ``regex_priority`` must be within 0..4095 (``_regex_priority``).
``validate`` returns every problem, each naming the entity it is about.
"""

import re
from typing import Any

from mesh.gateway.kong_plugins import (
    HEADER_NAME,
    HTTP_METHODS,
    JWT_ALGORITHMS,
    OTHER_BUNDLED_PLUGINS,
    PLUGIN_SCHEMAS,
    plugin_entity_checks,
)
from mesh.gateway.kong_types import Record, array, boolean, number, regex, string

NAME = r"[A-Za-z0-9._~-]+"
TIMEOUT = number(1, 2**31 - 2, integer=True)
PROTOCOLS = ("http", "https", "grpc", "grpcs", "tcp", "tls", "udp", "tls_passthrough", "ws", "wss")
TOP_LEVEL = frozenset(
    {
        "_format_version",
        "_transform",
        "_workspace",
        "_comment",
        "_info",
        "services",
        "routes",
        "consumers",
        "plugins",
        "upstreams",
        "targets",
        "certificates",
        "ca_certificates",
        "snis",
        "vaults",
        "consumer_groups",
        "keys",
        "key_sets",
        "filter_chains",
    }
)


def _headers(value: Any) -> list[str]:
    """``typedefs.headers`` with the route's rule: header name -> values, never ``host``."""
    if not isinstance(value, dict):
        return ["expected a record of header: [values]"]
    problems = []
    for name, values in value.items():
        if not isinstance(name, str) or not re.fullmatch(HEADER_NAME, name):
            problems.append(f"{name!r}: bad header name")
        elif name.lower() == "host":
            problems.append("cannot contain 'host' header, which must be specified in the 'hosts' attribute")
        problems += [f"{name}: {p}" for p in array(string())(values)]
        if isinstance(values, list):
            regexes = [v[2:] for v in values if isinstance(v, str) and v.startswith("~*")]
            problems += [f"{name}: {p}" for r in regexes for p in regex(r)]
    return problems


# Kong 3's schema takes any integer, but its default router (traditional_compatible) builds the route's
# unsigned 64-bit priority with ``lshift_uint64(regex_priority, 19)`` (router/transform.lua
# get_priority), a 32-bit shift for a Lua number: below 0, or from 4096 up, the top bits come out set
# and the route outranks every other one (8192 wraps to 0). Checked by running get_priority in LuaJIT.
REGEX_PRIORITY_MAX = 4095


def _regex_priority(value: Any) -> list[str]:
    if problems := number(integer=True)(value):
        return problems
    if not 0 <= value <= REGEX_PRIORITY_MAX:
        return [
            f"{value} is outside 0..{REGEX_PRIORITY_MAX}: Kong 3 accepts it, but its router shifts it "
            "(32 bits) into the route's priority, where the route would outrank every route or wrap around"
        ]
    return []


def _path(value: Any) -> list[str]:
    if not isinstance(value, str) or not value.startswith(("/", "~")):
        return [f"{value!r}: a path must start with / (prefix) or ~ (regex)"]
    return regex(value[1:]) if value.startswith("~") else []


PLUGIN = Record(
    fields={
        "id": string(),
        "name": string(),
        "instance_name": string(),
        "config": lambda v: [],
        "enabled": boolean(),
        "protocols": array(string(one_of=PROTOCOLS)),
        "tags": array(string()),
        "route": string(),
        "service": string(),
        "consumer": string(),
        "consumer_group": string(),
        "ordering": lambda v: [],
    },
    required=("name",),
)
ROUTE = Record(
    fields={
        "id": string(),
        "name": string(pattern=NAME),
        "protocols": array(string(one_of=PROTOCOLS)),
        "methods": array(string(one_of=HTTP_METHODS)),
        "hosts": array(string()),
        "paths": array(_path),
        "headers": _headers,
        "https_redirect_status_code": lambda v: (
            [] if v in (426, 301, 302, 307, 308) else [f"{v!r}: bad code"]
        ),
        "regex_priority": _regex_priority,
        "strip_path": boolean(),
        "path_handling": string(one_of=("v0", "v1")),
        "preserve_host": boolean(),
        "request_buffering": boolean(),
        "response_buffering": boolean(),
        "snis": array(string()),
        "sources": array(lambda v: []),
        "destinations": array(lambda v: []),
        "tags": array(string()),
        "service": lambda v: [],
        "expression": string(),
        "priority": number(integer=True),
        "plugins": array(lambda v: []),
    },
)
SERVICE = Record(
    fields={
        "id": string(),
        "name": string(pattern=NAME),
        "url": string(pattern=r"(https?|grpcs?|tcp|tls|udp)://.+"),
        "protocol": string(one_of=PROTOCOLS),
        "host": string(),
        "port": number(0, 65535, integer=True),
        "path": string(pattern=r"/.*"),
        "retries": number(0, 32767, integer=True),
        "connect_timeout": TIMEOUT,
        "write_timeout": TIMEOUT,
        "read_timeout": TIMEOUT,
        "tags": array(string()),
        "enabled": boolean(),
        "client_certificate": lambda v: [],
        "tls_verify": boolean(),
        "tls_verify_depth": number(0, 64, integer=True),
        "ca_certificates": array(string()),
        "routes": array(lambda v: []),
        "plugins": array(lambda v: []),
    },
)
JWT_SECRET = Record(
    fields={
        "id": string(),
        "key": string(),
        "secret": string(),
        "rsa_public_key": string(),
        "tags": array(string()),
        "consumer": lambda v: [],
        "algorithm": string(one_of=JWT_ALGORITHMS),
    },
)
CONSUMER = Record(
    fields={
        "id": string(),
        "username": string(),
        "custom_id": string(),
        "tags": array(string()),
        "plugins": array(lambda v: []),
        "jwt_secrets": array(lambda v: []),
        "keyauth_credentials": array(lambda v: []),
        "basicauth_credentials": array(lambda v: []),
        "hmacauth_credentials": array(lambda v: []),
        "acls": array(lambda v: []),
        "oauth2_credentials": array(lambda v: []),
    },
)


def _plugins(owner: str, plugins: list | None, problems: list[str]) -> None:
    seen: set[str] = set()
    for plugin in plugins or []:
        name = plugin.get("name") if isinstance(plugin, dict) else None
        where = f"{owner} plugin {name!r}"
        problems += [f"{where}: {p}" for p in PLUGIN(plugin)]
        if name in OTHER_BUNDLED_PLUGINS or not isinstance(name, str):
            continue
        if name not in PLUGIN_SCHEMAS:
            problems.append(f"{where}: unknown plugin (not a Kong 3 bundled plugin)")
            continue
        if name in seen:
            problems.append(f"{where}: more than one {name!r} plugin in the same scope")
        seen.add(name)
        config = plugin.get("config") or {}
        problems += [f"{where}: config.{p}" for p in PLUGIN_SCHEMAS[name](config)]
        problems += [f"{where}: {p}" for p in plugin_entity_checks(name, config)]


def _route(owner: str, route: Any, problems: list[str]) -> None:
    where = f"{owner}route {route.get('name')!r}" if isinstance(route, dict) else f"{owner}route"
    problems += [f"{where}: {p}" for p in ROUTE(route)]
    if isinstance(route, dict):
        if not any(route.get(key) for key in ("methods", "hosts", "headers", "paths", "snis", "expression")):
            problems.append(f"{where}: needs at least one of methods, hosts, headers, paths")
        _plugins(where, route.get("plugins"), problems)


def _consumer(consumer: dict, problems: list[str]) -> None:
    where = f"consumer {consumer.get('username') or consumer.get('custom_id')!r}"
    problems += [f"{where}: {p}" for p in CONSUMER(consumer)]
    if not (consumer.get("username") or consumer.get("custom_id")):
        problems.append(f"{where}: needs a username or a custom_id")
    for secret in consumer.get("jwt_secrets") or []:
        problems += [f"{where} jwt_secret: {p}" for p in JWT_SECRET(secret)]
        if str(secret.get("algorithm", "HS256"))[:2] in ("RS", "ES", "PS") and not secret.get(
            "rsa_public_key"
        ):
            problems.append(
                f"{where} jwt_secret {secret.get('key')!r}: {secret.get('algorithm')} needs rsa_public_key"
            )
    _plugins(where, consumer.get("plugins"), problems)


def _unique(kind: str, names: list, problems: list[str]) -> None:
    for name in {n for n in names if n is not None and names.count(n) > 1}:
        problems.append(f"{kind} {name!r}: name used more than once")


def validate(doc: Any) -> list[str]:
    """Every way ``doc`` (a parsed kong.yml) breaks Kong 3's declarative rules."""
    if not isinstance(doc, dict):
        return ["the document must be a mapping"]
    problems = [f"top level: unknown key {key!r}" for key in doc if key not in TOP_LEVEL]
    if doc.get("_format_version") not in ("3.0", "2.1"):
        problems.append('top level: _format_version must be "3.0"')
    services, routes = doc.get("services") or [], list(doc.get("routes") or [])
    for service in services:
        where = f"service {service.get('name')!r}"
        problems += [f"{where}: {p}" for p in SERVICE(service)]
        if not (service.get("url") or service.get("host")):
            problems.append(f"{where}: needs a url or a host")
        for route in service.get("routes") or []:
            _route(f"{where} ", route, problems)
            routes.append(route)
        _plugins(where, service.get("plugins"), problems)
    for route in doc.get("routes") or []:
        _route("", route, problems)
    for consumer in doc.get("consumers") or []:
        _consumer(consumer, problems)
    _plugins("global", doc.get("plugins"), problems)
    _unique("service", [s.get("name") for s in services], problems)
    _unique("route", [r.get("name") for r in routes if isinstance(r, dict)], problems)
    consumers = [c for c in doc.get("consumers") or [] if isinstance(c, dict)]
    _unique("consumer", [c.get("username") for c in consumers], problems)
    _unique("jwt_secret key", [s.get("key") for c in consumers for s in c.get("jwt_secrets") or []], problems)
    return problems
