"""One mapping from exceptions to GraphQL ``errors[].extensions.code``.

Domain faults keep their message and code; query parse/validation errors are
GRAPHQL_VALIDATION_FAILED; the booking store unable to serve (``handlers.common.mongo.unavailable``)
is SERVICE_UNAVAILABLE, like any dependency outage (a 503 when it leaves no data); anything
unexpected is logged and reported as INTERNAL_SERVER_ERROR without internals. A request body over
the service's limits never reaches GraphQL: ``refusal_reply`` answers it as BAD_USER_INPUT.
"""

import json
import logging
from typing import Any

from ariadne.utils import unwrap_graphql_error
from graphql import GraphQLError

from handlers.booking.errors import BookingFault, DependencyUnavailable
from handlers.common.mongo import unavailable
from handlers.common.request_limits import Refusal

logger = logging.getLogger(__name__)


def format_error(error: GraphQLError, debug: bool = False) -> dict:
    formatted: dict[str, Any] = dict(error.formatted)
    extensions = dict(error.formatted.get("extensions") or {})
    original = unwrap_graphql_error(error)
    if isinstance(original, BookingFault):
        formatted["message"] = original.message
        extensions["code"] = original.code
    elif unavailable(original):
        logger.warning("booking store unavailable in %s: %s", error.path, original)
        formatted["message"] = "The booking store is unavailable; try again."
        extensions["code"] = DependencyUnavailable.code
    elif original is None or isinstance(original, GraphQLError):
        extensions.setdefault("code", "GRAPHQL_VALIDATION_FAILED" if not error.path else "BAD_USER_INPUT")
    else:
        logger.error("unexpected error in %s", error.path, exc_info=original)
        formatted["message"] = "Internal server error."
        extensions["code"] = "INTERNAL_SERVER_ERROR"
    formatted["extensions"] = extensions
    return formatted


def refusal_reply(refusal: Refusal) -> tuple[str, bytes]:
    """A body refused by ``handlers.common.request_limits``, as a GraphQL response."""
    error = {"message": refusal.detail, "extensions": {"code": "BAD_USER_INPUT"}}
    return "application/json", json.dumps({"errors": [error]}).encode()
