"""One mapping from exceptions to GraphQL ``errors[].extensions.code``.

Domain faults keep their message and code; query parse/validation errors are
GRAPHQL_VALIDATION_FAILED; anything unexpected is logged and reported as
INTERNAL_SERVER_ERROR without internals.
"""

import logging

from ariadne.utils import unwrap_graphql_error
from graphql import GraphQLError

from handlers.booking.errors import BookingFault

logger = logging.getLogger(__name__)


def format_error(error: GraphQLError, debug: bool = False) -> dict:
    formatted = dict(error.formatted)
    extensions = dict(formatted.get("extensions") or {})
    original = unwrap_graphql_error(error)
    if isinstance(original, BookingFault):
        formatted["message"] = original.message
        extensions["code"] = original.code
    elif original is None or isinstance(original, GraphQLError):
        extensions.setdefault("code", "GRAPHQL_VALIDATION_FAILED" if not error.path else "BAD_USER_INPUT")
    else:
        logger.error("unexpected error in %s", error.path, exc_info=original)
        formatted["message"] = "Internal server error."
        extensions["code"] = "INTERNAL_SERVER_ERROR"
    formatted["extensions"] = extensions
    return formatted
