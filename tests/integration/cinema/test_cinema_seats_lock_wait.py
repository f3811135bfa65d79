"""A ConfirmSeats queued behind another transaction's row locks decides the hold's liveness once it
holds them: a hold that lapsed while the confirm waited is not sold (issue 9, defect 6).

PostgreSQL evaluates a ``SELECT ... FOR UPDATE``'s select list before waiting for the row lock and,
when the lock holder rolls back, does not evaluate it again; so a ``clock_timestamp()`` read there
is the time the confirm queued, not the time it got the lock.
"""

import asyncio
import uuid

import pytest

from handlers.cinema import holds
from handlers.cinema.errors import HoldExpired
from handlers.cinema.seat_map import seat_map

pytestmark = pytest.mark.integration

SEATS = ["A-1", "A-2"]
# Another transaction (a slow confirm, an admin's script) holding the rows the confirm needs.
BLOCKERS = {
    "hold row": "SELECT 1 FROM holds WHERE hold_id = $1 FOR UPDATE",
    "seat rows": "SELECT 1 FROM showtime_seats WHERE hold_id = $1 ORDER BY seat_id FOR UPDATE",
}


async def until(predicate, within: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, f"{predicate.__name__} still false"
        await asyncio.sleep(0.05)


async def scalar(engine, statement: str, *args):
    async with engine.connect() as conn:
        return (await conn.exec_driver_sql(statement, args)).scalar_one()


@pytest.mark.parametrize("locked", BLOCKERS)
async def test_a_hold_that_lapses_while_confirm_waits_for_a_lock_is_not_sold(
    cinema_engine, make_showtime, locked
):
    showtime, hold_id = await make_showtime(), str(uuid.uuid4())
    held = await holds.hold_seats(cinema_engine, showtime, SEATS, hold_id, ttl_seconds=2)
    async with cinema_engine.connect() as blocker:
        transaction = await blocker.begin()
        await blocker.exec_driver_sql(BLOCKERS[locked], (hold_id,))
        blocker_pid = (await blocker.exec_driver_sql("SELECT pg_backend_pid()")).scalar_one()
        confirm = asyncio.create_task(holds.confirm_seats(cinema_engine, hold_id, f"booking-{hold_id}"))

        async def confirm_is_queued() -> bool:
            waiting = "SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))"
            return await scalar(cinema_engine, waiting, blocker_pid) == 1

        async def hold_lapsed() -> bool:
            return await scalar(cinema_engine, "SELECT clock_timestamp() > $1", held.held_until)

        await until(confirm_is_queued)
        assert not await hold_lapsed(), "the confirm must queue while the hold is still live"
        await until(hold_lapsed)
        await transaction.rollback()
    with pytest.raises(HoldExpired):
        await confirm
    states = {seat.seat_id: seat.state for seat in (await seat_map(cinema_engine, showtime)).seats}
    assert [states[seat] for seat in SEATS] == ["AVAILABLE", "AVAILABLE"]
    async with cinema_engine.connect() as conn:
        rows = await conn.exec_driver_sql(
            "SELECT state, booking_id FROM showtime_seats WHERE showtime_id = $1 AND seat_id = ANY($2)",
            (showtime, SEATS),
        )
        assert {state for state, _ in rows} == {"HELD"} and all(booking is None for _, booking in rows)
        hold = await conn.exec_driver_sql(
            "SELECT state, booking_id FROM holds WHERE hold_id = $1", (hold_id,)
        )
        assert tuple(hold.one()) == ("HELD", None)
