"""The HTTP status of a GraphQL answer: a dependency outage is a 503 with ``Retry-After``, never a 400.

ariadne answers 200 when a result has data and 400 when it has none. Every mutation returns a
non-null payload, so a resolver stopped by ``DependencyUnavailable`` nulls the whole ``data`` and
ariadne would answer 400, which a client reads as its own mistake and does not retry. An answer
without data that carries a SERVICE_UNAVAILABLE error is a 503 with ``Retry-After`` instead; one
with data keeps its 200 (the error is in ``errors`` with its code), the rest keep ariadne's status.

    GraphQL(schema, http_handler=OutageAwareHandler(retry_after_seconds=5), ...)
"""

from http import HTTPStatus

from ariadne.asgi.handlers import GraphQLHTTPHandler
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from handlers.booking.errors import DependencyUnavailable


def outage(result: dict) -> bool:
    codes = {(error.get("extensions") or {}).get("code") for error in result.get("errors") or []}
    return result.get("data") is None and DependencyUnavailable.code in codes


class OutageAwareHandler(GraphQLHTTPHandler):
    def __init__(self, retry_after_seconds: int = 5, **kwargs):
        super().__init__(**kwargs)
        self._retry_after = str(retry_after_seconds)

    async def create_json_response(self, request: Request, result: dict, success: bool) -> Response:
        if outage(result):
            headers = {"Retry-After": self._retry_after}
            return JSONResponse(result, status_code=HTTPStatus.SERVICE_UNAVAILABLE, headers=headers)
        return await super().create_json_response(request, result, success)
