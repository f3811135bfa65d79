"""Free tickets over gRPC (issue 9, defects 1 and 2): only the booking service may change seats.

A hostile user with a genuine token (or an admin's) calls the seat inventory directly: holds
seats, confirms a hold under a booking id of its choosing, confirms another user's pending hold,
releases another user's confirmed booking. Every call is PERMISSION_DENIED before any lock is
taken, and afterwards every seat and hold is exactly as it was.
"""

import uuid

import pytest
from grpclib import GRPCError, Status

from handlers.cinema import holds
from handlers.cinema.inventory_client import InventoryClient
from handlers.common.signing import sign_token
from tests.integration.cinema.conftest import (  # noqa: F401 (fixtures)
    cinema_engine,
    cinema_settings,
    inventory,
    inventory_port,
    make_showtime,
)

pytestmark = [pytest.mark.security, pytest.mark.integration]


async def _states(inventory: InventoryClient, showtime: int) -> dict[str, int]:  # noqa: F811
    return {seat.seat_id: seat.state for seat in (await inventory.get_seat_map(showtime)).seats}


@pytest.mark.parametrize("role", ["user", "admin"])
async def test_a_genuine_user_or_admin_token_changes_no_seat(
    role,
    inventory,  # noqa: F811
    inventory_port,  # noqa: F811
    cinema_settings,  # noqa: F811
    cinema_engine,  # noqa: F811
    make_showtime,  # noqa: F811
):
    showtime = await make_showtime()
    victim_sold, victim_pending = str(uuid.uuid4()), str(uuid.uuid4())
    victim_booking = f"booking-{uuid.uuid4()}"
    await inventory.hold_seats(showtime, ["A-1", "A-2"], victim_sold)
    await inventory.confirm_seats(victim_sold, victim_booking)
    await inventory.hold_seats(showtime, ["A-3"], victim_pending)
    before = await _states(inventory, showtime)
    own_hold = str(uuid.uuid4())

    attacker_token = sign_token(cinema_settings, f"usr_attacker_{role}", role, 300)
    attacks = {
        "hold free seats": lambda c: c.hold_seats(showtime, ["B-1", "B-2"], own_hold, 1800),
        "confirm own hold": lambda c: c.confirm_seats(own_hold, "anything"),
        "confirm the victim's pending hold": lambda c: c.confirm_seats(victim_pending, "mine"),
        "release the victim's booking": lambda c: c.release_seats(booking_id=victim_booking),
        "release the victim's hold": lambda c: c.release_seats(hold_id=victim_pending),
    }
    async with InventoryClient("127.0.0.1", inventory_port, token=lambda: attacker_token) as attacker:
        for name, attack in attacks.items():
            with pytest.raises(GRPCError) as refused:
                await attack(attacker)
            assert refused.value.status == Status.PERMISSION_DENIED, (name, refused.value)
            assert "service:booking" in (refused.value.message or "")

    assert await _states(inventory, showtime) == before
    sold = await holds.release_seats(cinema_engine, hold_id=victim_sold)  # still the victim's, still sold
    assert (sold[0].state, sold[0].booking_id) == ("RELEASED", victim_booking)
    assert sorted(sold[1]) == ["A-1", "A-2"]
    with pytest.raises(Exception, match="No hold found"):
        await holds.release_seats(cinema_engine, hold_id=own_hold)  # the attacker's hold never existed
