"""The booking GraphQL layer without MongoDB: SDL binding, auth, input rules, error codes, catalog queries."""

import httpx
import pytest
from ariadne import graphql
from graphql import GraphQLError

from handlers.booking.app import create_app
from handlers.booking.creation import booking_id_for
from handlers.booking.deps import SagaDeps
from handlers.booking.errors import Conflict
from handlers.booking.ports import SeatView, UnknownShowtime
from handlers.booking.resolvers import build_schema
from handlers.booking.resolvers.errors import format_error
from handlers.booking.settings import BookingSettings
from handlers.common.auth import TokenVerifier
from handlers.common.signing import sign_token

pytestmark = pytest.mark.unit
SCHEMA = build_schema()
SETTINGS = BookingSettings(environment="test")


class Request:
    def __init__(self, token: str | None):
        self.headers = {"authorization": f"Bearer {token}"} if token else {}


class Catalog:
    async def movies(self):
        return [{"id": "1", "title": "Encore", "duration_minutes": 90, "rating": "G"}]

    async def showtimes(self, filters):
        self.filters = filters
        return [{"id": "5", "movie_id": "1", "starts_at": "2026-12-01T19:30:00+00:00", "price": None}]

    async def showtime(self, showtime_id):
        return None


class Inventory:
    async def seat_map(self, showtime_id):
        if showtime_id != "5":
            raise UnknownShowtime(showtime_id)
        return [SeatView("A-1", "A", 1, "SOLD")]


def token(sub: str = "u-1", issuer: str | None = None) -> str:
    return sign_token(SETTINGS, sub, "user", 60, iss=issuer or SETTINGS.jwt_issuer)


async def run(query: str, bearer: str | None = None, catalog=None, **variables) -> dict:
    deps = SagaDeps(Inventory(), None, catalog or Catalog())
    context = {"request": Request(bearer), "deps": deps, "verifier": TokenVerifier.from_settings(SETTINGS)}
    _, result = await graphql(
        SCHEMA, {"query": query, "variables": variables}, context_value=context, error_formatter=format_error
    )
    return result


async def test_catalog_is_public_and_camel_cased():
    query = (
        "{ movies { id title durationMinutes }"
        ' showtimes(date: "2026-12-01") { id startsAt movie { title } } }'
    )
    result = await run(query)
    assert result["data"]["movies"] == [{"id": "1", "title": "Encore", "durationMinutes": 90}]
    assert result["data"]["showtimes"] == [
        {"id": "5", "startsAt": "2026-12-01T19:30:00Z", "movie": {"title": "Encore"}}
    ]


async def test_seat_map_comes_from_the_inventory():
    result = await run('{ seatMap(showtimeId: "5") { showtimeId seats { id row number state } } }')
    assert result["data"]["seatMap"] == {
        "showtimeId": "5",
        "seats": [{"id": "A-1", "row": "A", "number": 1, "state": "SOLD"}],
    }
    missing = await run('{ seatMap(showtimeId: "6") { showtimeId } }')
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_bad_date_filter_is_bad_user_input():
    result = await run('{ showtimes(date: "yesterday") { id } }')
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("bearer", [None, "not-a-jwt", token(issuer="someone-else")])
async def test_user_fields_need_a_valid_token(bearer):
    result = await run("{ myBookings { id } }", bearer)
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    ("showtime", "seats", "key"),
    [
        ("abc", ["A-1"], "k1"),
        ("5", [], "k1"),
        ("5", ["A-1", "A-1"], "k1"),
        ("5", ["A-1"], "bad key!"),
        ("5", [f"A-{n}" for n in range(11)], "k"),
    ],
)
async def test_create_booking_input_rules(showtime, seats, key):
    mutation = (
        "mutation($s: ID!, $seats: [ID!]!, $k: String!) {"
        " createBooking(showtimeId: $s, seatIds: $seats, idempotencyKey: $k) { error { code } } }"
    )
    result = await run(mutation, token(), s=showtime, seats=seats, k=key)
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_confirm_rejects_a_malformed_payment_token():
    mutation = 'mutation { confirmBooking(bookingId: "b", paymentToken: "4111 1111") { error { code } } }'
    result = await run(mutation, token())
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_error_formatter_maps_faults_and_hides_internals():
    fault = GraphQLError("x", path=["createBooking"], original_error=Conflict("key reused"))
    assert format_error(fault)["extensions"] == {"code": "CONFLICT"}
    boom = format_error(GraphQLError("secret", path=["movies"], original_error=RuntimeError("db password")))
    assert (
        boom["message"] == "Internal server error." and boom["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    )
    assert (
        format_error(GraphQLError("Cannot query field"))["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    )


def test_booking_ids_are_stable_per_user_and_key():
    assert booking_id_for("u-1", "k") == booking_id_for("u-1", "k")
    assert booking_id_for("u-1", "k") != booking_id_for("u-2", "k")


@pytest.mark.parametrize(("environment", "status"), [("development", 200), ("test", 405)])
async def test_graphiql_is_served_in_development_only(environment, status):
    app = create_app(BookingSettings(environment=environment), SagaDeps(Inventory(), None, Catalog()))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://booking") as client:
        response = await client.get("/graphql", headers={"Accept": "text/html"})
        health = await client.get("/health")
    assert response.status_code == status
    assert ("graphiql" in response.text.lower()) is (status == 200)
    assert health.json() == {"status": "ok"}
