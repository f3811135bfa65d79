"""The operator's endpoints of a service, on its own port, outside its public contract.

``GET /metrics`` (Prometheus text format), ``GET /health/live`` and ``GET /health/ready``
(``readiness``) are answered here before the app sees the request; the gateway routes none of them
(its routes come from the contracts), so they are reachable on the service's address only. Every
other request is timed into ``cinemesh_http_request_duration_seconds`` by the route the app matched.
"""

import json
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from handlers.common.observability import metrics, readiness
from handlers.common.telemetry.asgi import route_label, route_naming

UNMATCHED = "(unmatched)"


async def _reply(send: Send, status: int, body: bytes, content_type: str) -> None:
    headers = [(b"content-type", content_type.encode()), (b"cache-control", b"no-store")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _json(send: Send, status: int, body: dict) -> None:
    await _reply(send, status, json.dumps(body).encode(), "application/json")


class OpsEndpoints:
    """``expose=False`` (the gateway, whose port is public) only times requests."""

    def __init__(self, app: ASGIApp, expose: bool = True):
        self.app, self.expose = app, expose

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.expose and scope.get("method") == "GET":
            path = scope.get("path")
            if path == "/metrics":
                body, content_type = await metrics.exposition()
                await _reply(send, 200, body, content_type)
                return
            if path == "/health/live":
                await _json(send, 200, {"status": "ok"})
                return
            if path == "/health/ready":
                await _json(send, *await readiness.report())
                return
        await self._timed(scope, receive, send)

    async def _timed(self, scope: Scope, receive: Receive, send: Send) -> None:
        # connexion routes on a shallow copy of the scope: a dict present here is the one it fills in
        scope.setdefault("extensions", {})
        started = time.perf_counter()
        status = [500]

        async def send_observed(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        with route_naming():
            try:
                await self.app(scope, receive, send_observed)
            finally:
                metrics.HTTP_REQUESTS.labels(
                    route_label(scope) or UNMATCHED, scope.get("method", "?"), str(status[0])
                ).observe(time.perf_counter() - started)
