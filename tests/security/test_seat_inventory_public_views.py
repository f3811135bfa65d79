"""A hostile reader of the public seat map learns seat states and prices, never the internal ids
(hold_id, booking_id) that would let it confirm another user's hold or release another user's
booking (issue 9, defect 2). Read anonymously over REST and over gRPC ``GetSeatMap``."""

import uuid

import httpx
import pytest

from generated.proto.cinema import v1 as pb
from handlers.cinema import holds
from handlers.cinema.app import create_app
from handlers.cinema.inventory_client import InventoryClient
from tests.integration.cinema.conftest import (  # noqa: F401 (fixtures)
    cinema_engine,
    cinema_settings,
    inventory_port,
    make_showtime,
)

pytestmark = [pytest.mark.security, pytest.mark.integration]


@pytest.fixture
async def bought_and_held(cinema_engine, make_showtime) -> tuple[int, list[str]]:  # noqa: F811
    """A showtime where A-1, A-2 are sold to a booking and A-3 is held; the ids a reader must not see."""
    showtime = await make_showtime()
    sold, pending, booking = str(uuid.uuid4()), str(uuid.uuid4()), f"booking-{uuid.uuid4()}"
    await holds.hold_seats(cinema_engine, showtime, ["A-1", "A-2"], sold)
    await holds.confirm_seats(cinema_engine, sold, booking)
    await holds.hold_seats(cinema_engine, showtime, ["A-3"], pending)
    return showtime, [sold, pending, booking]


EXPECTED = {"A-1": "SOLD", "A-2": "SOLD", "A-3": "HELD", "A-4": "AVAILABLE"}


async def test_the_rest_seat_map_shows_states_but_no_hold_or_booking_id(
    cinema_settings,  # noqa: F811
    cinema_engine,  # noqa: F811
    bought_and_held,
):
    showtime, secrets = bought_and_held
    transport = httpx.ASGITransport(app=create_app(cinema_settings, cinema_engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://cinema.test") as anonymous:
        response = await anonymous.get(f"/showtimes/{showtime}/seats")
    assert response.status_code == 200, response.text
    leaked = [secret for secret in secrets if secret in response.text]
    assert not leaked, f"the public seat map leaks {leaked}"
    states = {seat["seat_id"]: seat["state"].upper() for seat in response.json()["seats"]}
    assert {seat: states[seat] for seat in EXPECTED} == EXPECTED


async def test_the_grpc_seat_map_shows_states_but_no_hold_or_booking_id(
    inventory_port,  # noqa: F811
    bought_and_held,
):
    showtime, secrets = bought_and_held
    async with InventoryClient("127.0.0.1", inventory_port) as anonymous:
        response = await anonymous.get_seat_map(showtime)
    wire, as_json = bytes(response), response.to_json()
    leaked = [secret for secret in secrets if secret.encode() in wire or secret in as_json]
    assert not leaked, f"the public seat map leaks {leaked}"
    states = {seat.seat_id: pb.SeatState(seat.state).name for seat in response.seats}
    assert {seat: states[seat] for seat in EXPECTED} == EXPECTED
