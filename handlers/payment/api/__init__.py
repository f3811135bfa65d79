"""connexion adapters of the payment service (operationIds in contracts/openapi/payment.yaml)."""

from connexion import request

from handlers.payment.idempotency import Result

JSON = {"Content-Type": "application/json"}
PROBLEM_JSON = {"Content-Type": "application/problem+json"}


def json_body(body: dict, status: int = 200) -> tuple[dict, int, dict]:
    """A JSON answer; connexion needs the media type named when a spec also lists problem+json."""
    return body, status, JSON


def idempotency_key() -> str:
    return request.headers["Idempotency-Key"]


def replayable(result: Result) -> tuple[dict, int, dict]:
    """The (possibly replayed) stored response of an idempotent request."""
    headers = dict(PROBLEM_JSON if result.status >= 400 else JSON)
    if result.replayed:
        headers["Idempotent-Replayed"] = "true"
    return result.body, result.status, headers
