"""RFC 9457 problem details: one exception family and one connexion error mapping.

Domain code raises a ``ProblemError`` subclass; ``install_problem_handlers`` turns it,
connexion's own validation problems and undecodable bodies into
``application/problem+json`` responses, so no request ever ends in a bare 500.
"""

import json
import logging
from typing import Any

from connexion import AsyncApp
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.problem import problem

PROBLEM_BASE = "https://cinemesh.dev/problems/"
logger = logging.getLogger(__name__)


class ProblemError(Exception):
    status = 500
    slug = "internal-error"
    title = "Internal Server Error"

    def __init__(self, detail: str, **extensions: Any):
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions

    @property
    def type(self) -> str:
        return PROBLEM_BASE + self.slug


class BadRequest(ProblemError):
    status, slug, title = 400, "bad-request", "Bad Request"


class Unauthorized(ProblemError):
    status, slug, title = 401, "unauthorized", "Unauthorized"


class Forbidden(ProblemError):
    status, slug, title = 403, "forbidden", "Forbidden"


class NotFound(ProblemError):
    status, slug, title = 404, "not-found", "Not Found"


class Conflict(ProblemError):
    status, slug, title = 409, "conflict", "Conflict"


class Unprocessable(ProblemError):
    status, slug, title = 422, "unprocessable", "Unprocessable Content"


class ServiceUnavailable(ProblemError):
    """Retryable: a dependency is down or an outcome is not known yet; answered with ``Retry-After``."""

    status, slug, title = 503, "service-unavailable", "Service Unavailable"


RETRY_AFTER_SECONDS = 5


def problem_response(
    status: int, title: str, detail: str, type_: str, **extensions: Any
) -> ConnexionResponse:
    """A problem+json response; a 503 tells the client when to retry (``Retry-After``)."""
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else None
    return problem(
        status=status, title=title, detail=detail, type=type_, headers=headers, ext=extensions or None
    )


def _domain_problem(_request: ConnexionRequest, exc: ProblemError) -> ConnexionResponse:
    return problem_response(exc.status, exc.title, exc.detail, exc.type, **exc.extensions)


def _undecodable_body(_request: ConnexionRequest, _exc: Exception) -> ConnexionResponse:
    return problem_response(
        400, "Bad Request", "The request body is not valid UTF-8 JSON.", PROBLEM_BASE + "malformed-body"
    )


def unexpected(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    logger.exception("unhandled error", exc_info=exc)
    return problem_response(
        500, "Internal Server Error", "An unexpected error occurred.", PROBLEM_BASE + "internal-error"
    )


def install_problem_handlers(app: AsyncApp) -> None:
    app.add_error_handler(ProblemError, _domain_problem)
    app.add_error_handler(UnicodeDecodeError, _undecodable_body)
    app.add_error_handler(json.JSONDecodeError, _undecodable_body)
    app.add_error_handler(Exception, unexpected)
