"""The Kong document: kong.base.yml with a route per operation of each ``x-contract`` service.

An operation's route: ``name`` = its operationId; ``methods`` = its method, HEAD with GET (unless
the path declares HEAD), OPTIONS on the first route of each path (CORS preflight); ``paths`` = the
path as a Kong regex anchored at both ends, a path parameter being ``[^/]+``; ``regex_priority`` =
its number of segments without a parameter (a concrete path before a templated one, as OpenAPI
matches them; never negative: Kong 3 shifts it into an unsigned priority, where a negative number
would outrank every route); ``strip_path: false``; plugins: jwt (``x-user-token-jwt``) for a USER
operation, then the contract's. INTERNAL operations get no route; an operation whose method and
path a route of the base file has is left to that route. Then ``x-kong-plugin-defaults`` is laid
under every plugin of that name, the ``x-`` keys are dropped and the result must pass Kong 3's rules
and the local gateway's.
"""

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mesh.gateway.kong_schema import validate
from mesh.gateway.openapi2kong.contract import Access, ContractError, Operation, operations
from mesh.gateway.support import unsupported

CONTRACT_KEY = "x-contract"
USER_JWT_KEY = "x-user-token-jwt"
DEFAULTS_KEY = "x-kong-plugin-defaults"
PARAMETER = re.compile(r"\{[^{}/]+\}")
REGEX_SPECIAL = re.compile(r"([.^$*+?()\[\]{}|\\])")


@dataclass
class Generated:
    doc: dict[str, Any]
    contracts: list[str] = field(default_factory=list)
    internal: list[Operation] = field(default_factory=list)
    left_to_base: list[tuple[Operation, str]] = field(default_factory=list)


def path_regex(path: str) -> str:
    """``/payments/{payment_id}`` -> ``~/payments/[^/]+$``."""
    literal = (REGEX_SPECIAL.sub(r"\\\1", part) for part in PARAMETER.split(path))
    return "~" + "[^/]+".join(literal) + "$"


def _all_routes(base: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for service in base.get("services") or []:
        yield from service.get("routes") or []
    yield from base.get("routes") or []


def _owner(base_routes: list[dict[str, Any]], method: str, regex: str) -> str | None:
    for route in base_routes:
        if regex in (route.get("paths") or []) and method in (route.get("methods") or [method]):
            return route["name"]
    return None


def _route(operation: Operation, preflight: bool, has_head: bool, user_jwt: dict[str, Any]) -> dict[str, Any]:
    methods = [operation.method]
    if operation.method == "GET" and not has_head:
        methods.append("HEAD")
    if preflight:
        methods.append("OPTIONS")
    route: dict[str, Any] = {
        "name": operation.operation_id,
        "methods": methods,
        "paths": [path_regex(operation.path)],
        "strip_path": False,
    }
    segments = operation.path.strip("/").split("/")
    route["regex_priority"] = sum(1 for segment in segments if segment and not PARAMETER.search(segment))
    plugins = [{"name": "jwt", "config": copy.deepcopy(user_jwt)}] if operation.access is Access.USER else []
    plugins += copy.deepcopy(list(operation.plugins))
    if plugins:
        route["plugins"] = plugins
    return route


def _routes(ops: list[Operation], base_routes: list, user_jwt: dict, out: Generated) -> list[dict[str, Any]]:
    declared = {(op.path, op.method) for op in ops}
    preflighted: set[str] = set()
    routes = []
    for op in ops:
        owner = _owner(base_routes, op.method, path_regex(op.path))
        if op.access is Access.INTERNAL:
            out.internal.append(op)
        elif owner:
            out.left_to_base.append((op, owner))
        else:
            preflight = op.path not in preflighted and (op.path, "OPTIONS") not in declared
            preflighted.add(op.path)
            routes.append(_route(op, preflight, (op.path, "HEAD") in declared, user_jwt))
    return routes


def _deep_under(config: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    merged = dict(config)
    for key, value in defaults.items():
        if key not in merged:
            merged[key] = copy.deepcopy(value)
        elif isinstance(value, dict) and isinstance(merged[key], dict):
            merged[key] = _deep_under(merged[key], value)
    return merged


def _apply_defaults(doc: dict[str, Any], defaults: dict[str, dict[str, Any]]) -> None:
    scopes = [doc, *(doc.get("services") or []), *_all_routes(doc), *(doc.get("consumers") or [])]
    for plugin in (p for scope in scopes for p in scope.get("plugins") or []):
        if plugin.get("name") in defaults:
            plugin["config"] = _deep_under(plugin.get("config") or {}, defaults[plugin["name"]])


def _check_unique(routes: list[dict[str, Any]]) -> None:
    seen: dict[tuple[str, str], str] = {}
    for route in routes:
        for pair in ((path, method) for path in route["paths"] for method in route["methods"]):
            if pair in seen:
                raise ContractError(f"{pair[1]} {pair[0]}: routed twice ({seen[pair]} and {route['name']})")
            seen[pair] = route["name"]


def build(base: dict[str, Any], root: Path) -> Generated:
    """The Kong document of ``base`` (kong.base.yml, parsed) with the contracts under ``root``."""
    base = copy.deepcopy(base)
    out = Generated(doc={})
    base_routes, user_jwt = list(_all_routes(base)), base.get(USER_JWT_KEY) or {}
    generated = []
    for service in base.get("services") or []:
        if contract := service.pop(CONTRACT_KEY, None):
            out.contracts.append(contract)
            routes = _routes(operations(root, contract), base_routes, user_jwt, out)
            service["routes"] = [*(service.get("routes") or []), *routes]
            generated += routes
    _check_unique(generated)
    out.doc = {key: value for key, value in base.items() if not key.startswith("x-")}
    _apply_defaults(out.doc, base.get(DEFAULTS_KEY) or {})
    if problems := validate(out.doc) or unsupported(out.doc):
        raise ContractError("the generated kong.yml would be refused:\n  " + "\n  ".join(problems))
    return out
