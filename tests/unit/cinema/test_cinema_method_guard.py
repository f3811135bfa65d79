"""The 405 guard lists every method the cinema contract declares for a path."""

import httpx
import pytest
from starlette.responses import PlainTextResponse

from handlers.cinema.app import SPEC_DIR
from handlers.cinema.method_guard import MethodGuard, declared_methods

pytestmark = pytest.mark.unit


async def downstream(scope, receive, send):
    await PlainTextResponse("passed")(scope, receive, send)


@pytest.mark.parametrize(
    ("method", "path", "status", "allow"),
    [
        ("DELETE", "/cinemas", 405, "GET, HEAD, POST"),
        ("PUT", "/showtimes/12", 405, "GET, HEAD, PATCH"),
        ("POST", "/showtimes/12/seats", 405, "GET, HEAD"),
        ("OPTIONS", "/halls/3", 405, "PATCH"),
        ("GET", "/showtimes/12/seats", 200, None),
        ("DELETE", "/not-in-the-contract", 200, None),
    ],
)
async def test_wrong_methods_get_a_405_problem_with_the_full_allow_list(method, path, status, allow):
    guard = MethodGuard(downstream, declared_methods(SPEC_DIR / "cinema.yaml"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=guard), base_url="http://t") as client:
        response = await client.request(method, path)
    assert response.status_code == status
    assert response.headers.get("allow") == allow
    if status == 405:
        assert response.headers["content-type"] == "application/problem+json"
