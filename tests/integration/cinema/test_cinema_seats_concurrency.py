"""Hundreds of concurrent gRPC calls on one showtime: no double holds, all-or-nothing, no deadlocks."""

import asyncio
import random
import uuid
from collections import Counter

import pytest
from grpclib import GRPCError, Status

from generated.proto.cinema import v1 as pb
from handlers.cinema.inventory_client import SeatsUnavailableError

RUN = uuid.uuid4().hex[:8]  # booking ids stay unique across test sessions

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROWS = [{"label": label, "seat_count": 10} for label in "ABC"]
SEATS = [f"{label}-{n}" for label in "ABC" for n in range(1, 11)]


async def seat_rows(engine, showtime: int) -> dict[str, tuple]:
    async with engine.connect() as conn:
        result = await conn.exec_driver_sql(
            "SELECT seat_id, state, hold_id, booking_id FROM showtime_seats WHERE showtime_id = $1",
            (showtime,),
        )
        return {seat_id: (state, hold_id, booking_id) for seat_id, state, hold_id, booking_id in result}


async def attempt(inventory, showtime: int, seats: list[str]):
    hold_id = str(uuid.uuid4())
    try:
        return "held", hold_id, seats, await inventory.hold_seats(showtime, seats, hold_id)
    except SeatsUnavailableError as refused:
        return "refused", hold_id, seats, refused.seat_ids


async def test_overlapping_holds_never_share_a_seat(inventory, make_showtime, cinema_engine):
    showtime = await make_showtime(ROWS)
    rng = random.Random(7)
    requests = [rng.sample(SEATS[:20], rng.randint(1, 4)) for _ in range(300)]
    results = await asyncio.gather(*(attempt(inventory, showtime, seats) for seats in requests))
    rows = await seat_rows(cinema_engine, showtime)
    winners = [(hold_id, seats) for outcome, hold_id, seats, _ in results if outcome == "held"]
    held_seats = Counter(seat for _, seats in winners for seat in seats)
    assert winners and all(n == 1 for n in held_seats.values()), "a seat is in two live holds"
    for hold_id, seats in winners:
        assert all(rows[seat] == ("HELD", hold_id, None) for seat in seats), "a winner lacks some seat"
    owners = {seat: hold_id for hold_id, seats in winners for seat in seats}
    for outcome, hold_id, seats, named in results:
        if outcome == "refused":
            # taken by a winner, or being taken by another request when this one asked (never waited for)
            assert named and set(named) <= set(seats)
            assert hold_id not in {owner for _, owner, _ in rows.values()}, "a refused hold got seats"
    assert {seat for seat, (state, _, _) in rows.items() if state == "HELD"} == set(owners)


async def test_a_hold_never_waits_for_a_seat_another_request_is_taking(
    inventory, make_showtime, cinema_engine
):
    showtime = await make_showtime(ROWS)
    async with cinema_engine.connect() as other:
        transaction = await other.begin()
        await other.exec_driver_sql(  # another request in the middle of taking A-1
            "SELECT 1 FROM showtime_seats WHERE showtime_id = $1 AND seat_id = 'A-1' FOR UPDATE", (showtime,)
        )
        outcome = await asyncio.wait_for(attempt(inventory, showtime, ["A-1", "A-2"]), timeout=10)
        await transaction.rollback()

    assert outcome[0] == "refused" and outcome[3] == ["A-1"]
    assert {seat: state for seat, (state, _, _) in (await seat_rows(cinema_engine, showtime)).items()} == {
        seat: "AVAILABLE" for seat in SEATS
    }
    assert (await attempt(inventory, showtime, ["A-1", "A-2"]))[0] == "held"


async def test_opposite_order_requests_finish_without_deadlock(inventory, make_showtime):
    showtime = await make_showtime(ROWS)
    forward = SEATS[:6]
    requests = [forward if n % 2 else list(reversed(forward)) for n in range(200)]
    requests += [[SEATS[5], SEATS[0]] if n % 2 else [SEATS[0], SEATS[5]] for n in range(100)]
    outcomes = await asyncio.gather(
        *(inventory.hold_seats(showtime, seats, str(uuid.uuid4())) for seats in requests),
        return_exceptions=True,
    )
    statuses = Counter(
        "OK" if isinstance(outcome, pb.Hold) else getattr(outcome, "status", type(outcome).__name__)
        for outcome in outcomes
    )
    assert statuses["OK"] == 1, statuses
    assert statuses[Status.FAILED_PRECONDITION] == len(requests) - 1, statuses


async def test_concurrent_confirms_and_releases_keep_sold_seats_equal_to_confirmed_holds(
    inventory, make_showtime, cinema_engine
):
    showtime = await make_showtime(ROWS)
    pairs = [SEATS[i : i + 2] for i in range(0, len(SEATS), 2)]
    holds = [(str(uuid.uuid4()), seats) for seats in pairs]
    await asyncio.gather(*(inventory.hold_seats(showtime, seats, hold_id) for hold_id, seats in holds))
    rng = random.Random(11)
    plan = {
        hold_id: rng.choice(["confirm", "release", "confirm-then-cancel", "race"]) for hold_id, _ in holds
    }

    async def act(hold_id: str, seats: list[str]):
        action, booking_id = plan[hold_id], f"booking-{hold_id}"
        if action in ("confirm", "confirm-then-cancel"):
            await asyncio.gather(*(inventory.confirm_seats(hold_id, booking_id) for _ in range(3)))
        if action == "confirm-then-cancel":
            await asyncio.gather(*(inventory.release_seats(booking_id=booking_id) for _ in range(3)))
        if action == "release":
            await asyncio.gather(*(inventory.release_seats(hold_id=hold_id) for _ in range(3)))
        if action == "race":
            confirm = inventory.confirm_seats(hold_id, booking_id)
            release = inventory.release_seats(hold_id=hold_id)
            await asyncio.gather(confirm, release, return_exceptions=True)
        steal = str(uuid.uuid4())
        try:
            await inventory.hold_seats(showtime, seats, steal)
            await inventory.release_seats(hold_id=steal)
        except SeatsUnavailableError:
            pass

    await asyncio.gather(*(act(hold_id, seats) for hold_id, seats in holds))
    rows = await seat_rows(cinema_engine, showtime)
    async with cinema_engine.connect() as conn:
        confirmed = dict(
            (
                await conn.exec_driver_sql(
                    "SELECT hold_id, booking_id FROM holds WHERE showtime_id = $1 AND state = 'CONFIRMED'",
                    (showtime,),
                )
            ).all()
        )
    expected_sold = {
        seat: (hold_id, confirmed[hold_id])
        for hold_id, seats in holds
        if hold_id in confirmed
        for seat in seats
    }
    sold = {
        seat: (hold_id, booking_id) for seat, (state, hold_id, booking_id) in rows.items() if state == "SOLD"
    }
    assert sold == expected_sold
    assert set(confirmed) == {h for h, a in plan.items() if a == "confirm"} | {
        h for h, a in plan.items() if a == "race" and h in confirmed
    }
    assert all(state == "AVAILABLE" for seat, (state, _, _) in rows.items() if seat not in sold)


async def test_confirm_and_release_reject_nothing_but_documented_statuses(inventory, make_showtime):
    showtime = await make_showtime(ROWS)
    hold_id = str(uuid.uuid4())
    await inventory.hold_seats(showtime, SEATS[:3], hold_id)
    calls = [inventory.confirm_seats(hold_id, f"booking-x-{RUN}") for _ in range(50)]
    calls += [inventory.release_seats(hold_id=hold_id) for _ in range(50)]
    random.Random(3).shuffle(calls)
    outcomes = await asyncio.gather(*calls, return_exceptions=True)
    errors = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    assert all(
        isinstance(error, GRPCError) and error.status == Status.FAILED_PRECONDITION for error in errors
    )


async def test_concurrent_retries_of_one_hold_id_get_the_same_hold(inventory, make_showtime, cinema_engine):
    showtime, hold_id = await make_showtime(ROWS), str(uuid.uuid4())
    holds = await asyncio.gather(
        *(inventory.hold_seats(showtime, ["C-1", "C-2"], hold_id) for _ in range(100))
    )
    assert len({(h.hold_id, tuple(h.seat_ids), h.held_until) for h in holds}) == 1
    confirmed = await asyncio.gather(
        *(inventory.confirm_seats(hold_id, f"booking-retry-{RUN}") for _ in range(50))
    )
    assert {h.state for h in confirmed} == {pb.HoldState.CONFIRMED}
    async with cinema_engine.connect() as conn:
        count = await conn.exec_driver_sql("SELECT count(*) FROM holds WHERE hold_id = $1", (hold_id,))
        assert count.scalar_one() == 1
