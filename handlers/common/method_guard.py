"""405 answers whose ``Allow`` header names every method the contract declares for a path.

connexion adds one route per operation, so a wrong method on a path with two operations
(``GET`` and ``POST /payments``) is answered with an ``Allow`` naming only one of them.
``MethodGuard`` answers such requests first, correctly, as a
problem+json 405 (RFC 9110 requires the full ``Allow`` list)::

    app.add_middleware(MethodGuard, position=MiddlewarePosition.BEFORE_EXCEPTION,
                       routes=declared_methods(SPEC_DIR / "payment.yaml"))
"""

import json
import re
from pathlib import Path

import yaml
from starlette.types import ASGIApp, Receive, Scope, Send

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


Routes = list[tuple[re.Pattern, list[str]]]


def declared_methods(spec: Path) -> Routes:
    """Each path template of ``spec`` as a regex, with the methods declared for it."""
    routes = []
    for template, item in yaml.safe_load(spec.read_text())["paths"].items():
        methods = {method.upper() for method in item if method in HTTP_METHODS}
        methods |= {"HEAD"} if "GET" in methods else set()
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        routes.append((re.compile(f"^{pattern}$"), sorted(methods)))
    return routes


class MethodGuard:
    def __init__(self, app: ASGIApp, routes: Routes):
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            allowed = next(
                (methods for pattern, methods in self.routes if pattern.match(scope["path"])), None
            )
            if allowed is not None and scope["method"] not in allowed:
                await _method_not_allowed(allowed, send)
                return
        await self.app(scope, receive, send)


async def _method_not_allowed(allowed: list[str], send: Send) -> None:
    listed = ", ".join(allowed)
    body = json.dumps(
        {"type": "about:blank", "title": "Method Not Allowed", "status": 405, "detail": f"Allowed: {listed}."}
    ).encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"allow", listed.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": 405, "headers": headers})
    await send({"type": "http.response.body", "body": body})
