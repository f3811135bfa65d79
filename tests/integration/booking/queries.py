"""The typed GraphQL client the booking tests call booking with: generated/graphql_client, whose
operations (mesh/graphql/operations.graphql) ``make generate`` checks against the SDL.

``booking_api(gql)`` speaks for the user of a conftest ``GraphQLClient`` to its service. Like it, each
call opens its own connection, so a client needs no closing. A test that needs the raw HTTP answer (a
503) posts the generated document (``generated.graphql_client.operations``) itself.
"""

import uuid

import httpx

from generated.graphql_client import Client
from tests.integration.booking.conftest import GraphQLClient


class _ConnectionPerCall:
    """The ``http_client`` the generated client posts through (the headers are this client's alone)."""

    def __init__(self, headers: dict[str, str]):
        self.headers = headers

    async def post(self, url: str, **kwargs) -> httpx.Response:
        async with httpx.AsyncClient(headers=self.headers, timeout=30) as http:
            return await http.post(url, **kwargs)

    async def aclose(self) -> None:
        return None


def booking_api(gql: GraphQLClient) -> Client:
    headers = {"Authorization": f"Bearer {gql.token}"} if gql.token else {}
    return Client(url=gql.url, http_client=_ConnectionPerCall(headers))


async def book(api: Client, showtime: str, seats: list[str]):
    """A PENDING booking of ``seats`` (a fresh idempotency key); fails the test on a payload error."""
    created = await api.create_booking(showtime_id=showtime, seat_ids=seats, idempotency_key=uuid.uuid4().hex)
    assert created.error is None, created
    return created.booking


def seat_states_of(api: Client):
    """``await seat_states(showtime)`` -> seat id -> state, as the public seat map shows them."""

    async def seat_states(showtime: str) -> dict[str, str]:
        return {seat.id: seat.state for seat in (await api.seat_map(showtime_id=showtime)).seats}

    return seat_states
