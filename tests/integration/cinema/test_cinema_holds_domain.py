"""The seat inventory domain functions called directly (no gRPC)."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from handlers.cinema import holds
from handlers.cinema.errors import (
    BadRequest,
    HoldExpired,
    HoldIdReused,
    HoldNotConfirmable,
    NotFound,
    SeatsUnavailable,
    ShowtimeStarted,
)
from handlers.cinema.seat_map import seat_map, sweep_expired

RUN = uuid.uuid4().hex[:8]  # booking ids stay unique across test sessions

pytestmark = pytest.mark.integration


def new_id() -> str:
    return str(uuid.uuid4())


async def seat_states(engine, showtime: int) -> dict[str, str]:
    return {seat.seat_id: seat.state for seat in (await seat_map(engine, showtime)).seats}


async def test_hold_confirm_release_lifecycle(cinema_engine, make_showtime):
    showtime, hold_id = await make_showtime(base_price_minor=999), new_id()
    held = await holds.hold_seats(cinema_engine, showtime, ["B-2", "A-10"], hold_id)
    assert held.seat_ids == ("A-10", "B-2") and held.state == "HELD"
    assert held.total_price_minor == 999 + 1499
    confirmed = await holds.confirm_seats(cinema_engine, hold_id, f"booking-1-{RUN}")
    assert (confirmed.state, confirmed.booking_id) == ("CONFIRMED", f"booking-1-{RUN}")
    assert (await seat_states(cinema_engine, showtime))["A-10"] == "SOLD"
    released, freed = await holds.release_seats(cinema_engine, booking_id=f"booking-1-{RUN}")
    assert released.state == "RELEASED" and freed == ["A-10", "B-2"]
    assert (await seat_states(cinema_engine, showtime))["B-2"] == "AVAILABLE"


async def test_unavailable_seats_are_named_exactly_and_nothing_is_held(cinema_engine, make_showtime):
    showtime = await make_showtime()
    await holds.hold_seats(cinema_engine, showtime, ["A-1", "A-3"], new_id())
    sold = new_id()
    await holds.hold_seats(cinema_engine, showtime, ["A-5"], sold)
    await holds.confirm_seats(cinema_engine, sold, f"booking-2-{RUN}")
    loser = new_id()
    with pytest.raises(SeatsUnavailable) as refused:
        await holds.hold_seats(cinema_engine, showtime, ["A-5", "A-4", "A-3", "A-2"], loser)
    assert refused.value.seat_ids == ["A-3", "A-5"]
    assert (await seat_states(cinema_engine, showtime))["A-4"] == "AVAILABLE"
    with pytest.raises(NotFound):
        await holds.confirm_seats(cinema_engine, loser, f"booking-3-{RUN}")


async def test_replays_and_refusals(cinema_engine, make_showtime):
    showtime, hold_id = await make_showtime(), new_id()
    first = await holds.hold_seats(cinema_engine, showtime, ["A-1"], hold_id)
    assert await holds.hold_seats(cinema_engine, showtime, ["A-1"], hold_id) == first
    with pytest.raises(HoldIdReused):
        await holds.hold_seats(cinema_engine, showtime, ["A-2"], hold_id)
    await holds.release_seats(cinema_engine, hold_id=hold_id)
    with pytest.raises(HoldNotConfirmable):
        await holds.confirm_seats(cinema_engine, hold_id, f"booking-4-{RUN}")
    with pytest.raises(BadRequest):
        await holds.release_seats(cinema_engine, hold_id=hold_id, booking_id=f"booking-4-{RUN}")


async def test_one_booking_confirms_one_hold(cinema_engine, make_showtime):
    showtime, first, second = await make_showtime(), new_id(), new_id()
    await holds.hold_seats(cinema_engine, showtime, ["A-1"], first)
    await holds.hold_seats(cinema_engine, showtime, ["A-2"], second)
    await holds.confirm_seats(cinema_engine, first, f"booking-5-{RUN}")
    with pytest.raises(HoldNotConfirmable):
        await holds.confirm_seats(cinema_engine, second, f"booking-5-{RUN}")


async def test_expiry_ttl_policy_and_sweeper(cinema_engine, make_showtime):
    showtime, stale = await make_showtime(), new_id()
    policy = holds.TtlPolicy(default_seconds=1, max_seconds=5)
    with pytest.raises(BadRequest):
        await holds.hold_seats(cinema_engine, showtime, ["A-1"], stale, ttl_seconds=6, policy=policy)
    held = await holds.hold_seats(cinema_engine, showtime, ["A-1", "A-2"], stale, policy=policy)
    assert held.held_until <= datetime.now(UTC) + timedelta(seconds=1)  # the 1 s default, not 600 s
    await asyncio.sleep(1.1)
    assert (await seat_states(cinema_engine, showtime))["A-1"] == "AVAILABLE"
    with pytest.raises(HoldExpired):
        await holds.confirm_seats(cinema_engine, stale, f"booking-6-{RUN}")
    assert await sweep_expired(cinema_engine) >= 2
    async with cinema_engine.connect() as conn:
        rows = await conn.exec_driver_sql(
            "SELECT state, hold_id FROM showtime_seats WHERE showtime_id = $1 AND seat_id IN ('A-1', 'A-2')",
            (showtime,),
        )
        assert set(rows) == {("AVAILABLE", None)}
        state = await conn.exec_driver_sql("SELECT state FROM holds WHERE hold_id = $1", (stale,))
        assert state.scalar_one() == "EXPIRED"
    with pytest.raises(HoldExpired):
        await holds.confirm_seats(cinema_engine, stale, f"booking-6-{RUN}")


async def test_seats_of_a_started_showtime_cannot_be_held(cinema_engine, make_showtime):
    showtime = await make_showtime()
    async with cinema_engine.begin() as conn:
        await conn.exec_driver_sql(
            "UPDATE showtimes SET starts_at = now() - interval '5 minutes', "
            "ends_at = now() + interval '95 minutes' WHERE id = $1",
            (showtime,),
        )
    with pytest.raises(ShowtimeStarted, match="already started"):
        await holds.hold_seats(cinema_engine, showtime, ["A-1"], new_id())
    assert (await seat_states(cinema_engine, showtime))["A-1"] == "AVAILABLE"
    async with cinema_engine.connect() as conn:
        stored = await conn.exec_driver_sql("SELECT count(*) FROM holds WHERE showtime_id = $1", (showtime,))
        assert stored.scalar() == 0


async def test_seats_of_a_started_showtime_cannot_be_sold_but_can_be_released(cinema_engine, make_showtime):
    showtime, hold_id = await make_showtime(), new_id()
    await holds.hold_seats(cinema_engine, showtime, ["A-1", "A-2"], hold_id)
    async with cinema_engine.begin() as conn:
        await conn.exec_driver_sql(
            "UPDATE showtimes SET starts_at = now() - interval '1 minute', "
            "ends_at = now() + interval '99 minutes' WHERE id = $1",
            (showtime,),
        )
    with pytest.raises(ShowtimeStarted, match="already started"):
        await holds.confirm_seats(cinema_engine, hold_id, f"booking-8-{RUN}")
    assert (await seat_states(cinema_engine, showtime))["A-1"] == "HELD"
    async with cinema_engine.connect() as conn:
        sold = await conn.exec_driver_sql(
            "SELECT count(*) FROM showtime_seats WHERE showtime_id = $1 AND state = 'SOLD'", (showtime,)
        )
        assert sold.scalar() == 0
    released, freed = await holds.release_seats(cinema_engine, hold_id=hold_id)
    assert released.state == "RELEASED" and freed == ["A-1", "A-2"]
    assert (await seat_states(cinema_engine, showtime))["A-1"] == "AVAILABLE"
