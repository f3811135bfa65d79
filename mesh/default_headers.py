"""Headers a response gets unless it already has them, for the mesh's own static apps (docs, web).

    app.add_middleware(DefaultHeaders, headers_for=lambda path: [(b"x-frame-options", b"DENY")])

``headers_for(path)`` gives the headers for a request path; a response that already carries one of
them (by name, case-insensitively) keeps its own.
"""

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

Headers = list[tuple[bytes, bytes]]


class DefaultHeaders:
    def __init__(self, app: ASGIApp, headers_for: Callable[[str], Headers]):
        self.app = app
        self.headers_for = headers_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(header for header in self.headers_for(scope["path"]) if header[0] not in present),
                ]
            await send(message)

        await self.app(scope, receive, with_headers if scope["type"] == "http" else send)
