"""A dependency outage answers HTTP 503 with Retry-After (never 400); other statuses stay ariadne's."""

import httpx
import pytest
from ariadne.asgi import GraphQL

from handlers.booking.deps import SagaDeps
from handlers.booking.errors import DependencyUnavailable
from handlers.booking.resolvers import build_schema
from handlers.booking.resolvers.errors import format_error
from handlers.booking.resolvers.http import OutageAwareHandler
from handlers.booking.settings import BookingSettings
from handlers.common.auth import TokenVerifier

pytestmark = pytest.mark.unit
SETTINGS = BookingSettings(environment="test")


class Down:
    """Every dependency call times out."""

    def __getattr__(self, _name):
        async def unavailable(*_args, **_kwargs):
            raise DependencyUnavailable("The seat inventory is unavailable (TimeoutError); try again.")

        return unavailable


async def post(query: str) -> httpx.Response:
    deps = SagaDeps(Down(), Down(), Down())
    verifier = TokenVerifier.from_settings(SETTINGS)
    app = GraphQL(
        build_schema(),
        context_value=lambda request, _data=None: {"request": request, "deps": deps, "verifier": verifier},
        error_formatter=format_error,
        http_handler=OutageAwareHandler(retry_after_seconds=7),
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://booking") as client:
        return await client.post("/", json={"query": query})


async def test_an_answer_without_data_stopped_by_an_outage_is_a_503_with_retry_after():
    response = await post('{ seatMap(showtimeId: "5") { showtimeId } }')
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "7"
    body = response.json()
    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == ["SERVICE_UNAVAILABLE"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("{ nope }", 400),  # the client's own mistake stays a 400
        ('mutation { cancelBooking(id: "b") { error { code } } }', 400),  # UNAUTHENTICATED, no data
        ('{ showtimes(date: "2026-12-01") { id } }', 503),
        ("{ movies { id } }", 503),
    ],
)
async def test_only_an_outage_turns_into_a_503(query, status):
    assert (await post(query)).status_code == status
