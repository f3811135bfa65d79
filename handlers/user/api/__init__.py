"""connexion adapters of the user service (operationIds in contracts/openapi/user.yaml)."""

JSON = {"Content-Type": "application/json"}


def json_body(body: dict, status: int = 200, **headers: str) -> tuple[dict, int, dict]:
    """A JSON answer; connexion needs the media type named when a spec also lists problem+json."""
    return body, status, {**JSON, **headers}
