"""Hand app-wide objects (settings, clients) to connexion operation functions.

connexion passes every key of its per-request context to an operation function that
declares a parameter of that name (that is how ``user`` and ``token_info`` arrive).
``ContextValues`` adds fixed values to that context, so ``create_app(settings)`` reaches
the handlers without module-level state:
``app.add_middleware(ContextValues, position=MiddlewarePosition.BEFORE_EXCEPTION, settings=settings)``.
"""

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send


class ContextValues:
    def __init__(self, next_app: ASGIApp, **values: Any):
        self.next_app = next_app
        self.values = values

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope.setdefault("extensions", {}).setdefault("connexion_context", {}).update(self.values)
        await self.next_app(scope, receive, send)
