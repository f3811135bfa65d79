"""The booking service's GraphQL HTTP handler: outages and deadlines are 503s, bodies are JSON only.

It answers an outage as ``OutageAwareHandler`` does. At ``request_deadline_seconds`` a query
still running is cancelled and the client gets a 503 with ``Retry-After`` whose
``errors[0].extensions.code`` is ``DEADLINE_EXCEEDED``. A mutation gets the same answer at its
deadline but runs on to its end: stopping a saga between two steps would leave the work to the
recovery sweep, each step is bounded by its own timeout, and calling ``confirmBooking`` or
``cancelBooking`` again tells the outcome.

Multipart requests (GraphQL uploads) are refused: the schema takes no upload, and the JSON inside
a multipart body would escape the body limits (``handlers.common.request_limits``).
"""

import asyncio
from http import HTTPStatus
from typing import Any

from ariadne.exceptions import HttpBadRequestError
from ariadne.graphql import parse_query
from graphql import GraphQLError, OperationType, get_operation_ast
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from handlers.booking.resolvers.http import OutageAwareHandler

DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED"


class _TimedOut(dict):
    """The result of a request that passed its deadline."""


class DeadlineHTTPHandler(OutageAwareHandler):
    def __init__(self, deadline_seconds: float, **kwargs: Any):
        super().__init__(**kwargs)
        self.deadline_seconds = deadline_seconds
        self._running_on: set[asyncio.Future] = set()

    async def execute_graphql_query(self, request: Any, data: Any, **kwargs: Any) -> tuple[bool, dict]:
        document, mutation = self._operation(data)
        if document is not None:
            kwargs["query_document"] = document
        work = asyncio.ensure_future(super().execute_graphql_query(request, data, **kwargs))
        try:
            return await asyncio.wait_for(asyncio.shield(work) if mutation else work, self.deadline_seconds)
        except TimeoutError:
            if mutation:
                self._running_on.add(work)
                work.add_done_callback(self._running_on.discard)
            return False, self._deadline_result()

    def _operation(self, data: Any) -> tuple[Any, bool]:
        """The parsed document (None: let ariadne report why not) and whether it runs a mutation."""
        if not isinstance(data, dict) or not isinstance(data.get("query"), str):
            return None, False
        try:
            document = parse_query(None, self.query_parser, data)
        except GraphQLError:
            return None, False
        name = data.get("operationName")
        operation = get_operation_ast(document, name if isinstance(name, str) else None)
        return document, operation is not None and operation.operation == OperationType.MUTATION

    def _deadline_result(self) -> dict:
        message = f"The request did not finish within {self.deadline_seconds:g} seconds."
        return _TimedOut(data=None, errors=[{"message": message, "extensions": {"code": DEADLINE_EXCEEDED}}])

    async def create_json_response(self, request: Request, result: dict, success: bool) -> Response:
        if isinstance(result, _TimedOut):
            headers = {"Retry-After": self._retry_after}
            return JSONResponse(result, HTTPStatus.SERVICE_UNAVAILABLE, headers=headers)
        return await super().create_json_response(request, result, success)

    async def extract_data_from_multipart_request(self, request: Request) -> Any:
        raise HttpBadRequestError("This API takes no uploads: post the request as application/json.")
