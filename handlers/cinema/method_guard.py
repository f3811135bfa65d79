"""405 answers listing every method the contract declares for a path.

connexion routes each operation separately, so a wrong method on ``/cinemas`` gets an
``Allow`` header naming only one operation's method; this guard answers first, correctly.
"""

import json
import re
from pathlib import Path

import yaml
from starlette.types import ASGIApp, Receive, Scope, Send

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def declared_methods(spec: Path) -> list[tuple[re.Pattern, frozenset[str]]]:
    routes = []
    for template, item in yaml.safe_load(spec.read_text())["paths"].items():
        methods = {method.upper() for method in item if method in HTTP_METHODS}
        if "GET" in methods:
            methods.add("HEAD")
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        routes.append((re.compile(f"^{pattern}$"), frozenset(methods)))
    return routes


class MethodGuard:
    def __init__(self, app: ASGIApp, routes: list[tuple[re.Pattern, frozenset[str]]]):
        self.app, self.routes = app, routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            allowed = next(
                (methods for pattern, methods in self.routes if pattern.match(scope["path"])), None
            )
            if allowed is not None and scope["method"] not in allowed:
                await self._refuse(sorted(allowed), send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    async def _refuse(allowed: list[str], send: Send) -> None:
        body = json.dumps(
            {
                "type": "about:blank",
                "title": "Method Not Allowed",
                "status": 405,
                "detail": f"Allowed methods: {', '.join(allowed)}.",
            }
        ).encode()
        headers = [
            (b"content-type", b"application/problem+json"),
            (b"allow", ", ".join(allowed).encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 405, "headers": headers})
        await send({"type": "http.response.body", "body": body})
