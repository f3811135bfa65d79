"""The subset of Kong the local gateway implements; anything else in kong.yml stops it at start.

``ANY`` means every valid value is implemented; a tuple lists the implemented values; a dict is a
nested record whose own keys are checked the same way.
``unsupported`` names the entity and the field (or plugin) the local gateway would silently
ignore, so a kong.yml change can never make it behave differently from Kong without notice.
"""

from typing import Any

ANY = None
SUPPORTED_TOP_LEVEL = {"_format_version", "_transform", "services", "routes", "consumers", "plugins"}
SUPPORTED_FIELDS: dict[str, dict[str, Any]] = {
    "service": {
        "name": ANY,
        "url": ANY,
        "protocol": ("http", "https"),
        "host": ANY,
        "port": ANY,
        "path": ANY,
        "retries": ANY,
        "connect_timeout": ANY,
        "write_timeout": ANY,
        "read_timeout": ANY,
        "tags": ANY,
        "routes": ANY,
        "plugins": ANY,
    },
    "route": {
        "name": ANY,
        "methods": ANY,
        "paths": ANY,
        "strip_path": ANY,
        "preserve_host": ANY,
        "regex_priority": ANY,
        "headers": ANY,
        "protocols": ANY,
        "tags": ANY,
        "plugins": ANY,
    },
    "consumer": {"id": ANY, "username": ANY, "custom_id": ANY, "tags": ANY, "jwt_secrets": ANY},
    "jwt_secret": {
        "id": ANY,
        "key": ANY,
        "algorithm": ("RS256", "RS384", "RS512"),
        "rsa_public_key": ANY,
        "tags": ANY,
    },
    "plugin": {"name": ANY, "config": ANY, "enabled": ANY, "tags": ANY},
}
SUPPORTED_PLUGINS: dict[str, dict[str, Any]] = {
    "rate-limiting": {
        **{p: ANY for p in ("second", "minute", "hour", "day", "month", "year")},
        "limit_by": ("consumer", "credential", "ip"),
        "policy": ("local", "redis"),
        "fault_tolerant": ANY,
        "redis": {key: ANY for key in ("host", "port", "database", "timeout", "username", "password")},
        "hide_client_headers": ANY,
        "error_code": ANY,
        "error_message": ANY,
    },
    "jwt": {
        "uri_param_names": ANY,
        "cookie_names": ANY,
        "header_names": ANY,
        "key_claim_name": ANY,
        "claims_to_verify": ANY,
        "run_on_preflight": ANY,
        "anonymous": ANY,
    },
    "cors": {
        "origins": ANY,
        "headers": ANY,
        "exposed_headers": ANY,
        "methods": ANY,
        "max_age": ANY,
        "credentials": ANY,
        "preflight_continue": ANY,
    },
    "correlation-id": {"header_name": ANY, "generator": ("uuid", "uuid#counter"), "echo_downstream": ANY},
    "request-size-limiting": {"allowed_payload_size": ANY, "size_unit": ANY, "require_content_length": ANY},
    "request-termination": {"status_code": ANY, "message": ANY, "content_type": ANY, "body": ANY},
    "response-transformer": {"add": {"headers": ANY}},
}


def _fields(where: str, kind: str, entity: dict, allowed: dict[str, Any]) -> list[str]:
    problems = []
    for key, value in entity.items():
        if key not in allowed:
            problems.append(f"{where}: {kind} field {key!r} is not implemented by the local gateway")
        elif isinstance(allowed[key], dict):
            problems += _fields(where, f"{kind} {key}", value or {}, allowed[key])
        elif allowed[key] is not ANY and value not in allowed[key]:
            problems.append(f"{where}: {kind} {key}={value!r} is not implemented (only {allowed[key]})")
    return problems


def _plugins(owner: str, plugins: list | None) -> list[str]:
    problems = []
    for plugin in plugins or []:
        name = plugin.get("name")
        where = f"{owner} plugin {name!r}"
        problems += _fields(where, "plugin", plugin, SUPPORTED_FIELDS["plugin"])
        if name not in SUPPORTED_PLUGINS:
            problems.append(f"{where}: plugin is not implemented by the local gateway")
            continue
        problems += _fields(where, "config", plugin.get("config") or {}, SUPPORTED_PLUGINS[name])
    return problems


def unsupported(doc: dict) -> list[str]:
    """Every plugin, field or value in ``doc`` the local gateway does not implement."""
    problems = [
        f"top level: {key!r} is not implemented by the local gateway"
        for key in doc
        if key not in SUPPORTED_TOP_LEVEL
    ]
    for service in doc.get("services") or []:
        where = f"service {service.get('name')!r}"
        problems += _fields(where, "service", service, SUPPORTED_FIELDS["service"])
        problems += _plugins(where, service.get("plugins"))
        for route in service.get("routes") or []:
            problems += _route(f"{where} route {route.get('name')!r}", route)
    for route in doc.get("routes") or []:
        problems += _route(f"route {route.get('name')!r}", route)
    for consumer in doc.get("consumers") or []:
        where = f"consumer {consumer.get('username') or consumer.get('custom_id')!r}"
        problems += _fields(where, "consumer", consumer, SUPPORTED_FIELDS["consumer"])
        for secret in consumer.get("jwt_secrets") or []:
            problems += _fields(
                f"{where} jwt_secret {secret.get('key')!r}",
                "jwt_secret",
                secret,
                SUPPORTED_FIELDS["jwt_secret"],
            )
    return problems + _plugins("global", doc.get("plugins"))


def _route(where: str, route: dict) -> list[str]:
    problems = _fields(where, "route", route, SUPPORTED_FIELDS["route"])
    if set(route.get("protocols") or ["http"]) - {"http", "https"}:
        problems.append(f"{where}: only http/https protocols are implemented")
    return problems + _plugins(where, route.get("plugins"))
