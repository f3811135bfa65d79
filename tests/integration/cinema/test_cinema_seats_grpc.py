"""SeatInventoryService over real gRPC: semantics, idempotency, expiry and every bad-input status."""

import asyncio
import uuid

import pytest
from grpclib import GRPCError, Status
from grpclib.health.v1.health_grpc import HealthStub
from grpclib.health.v1.health_pb2 import HealthCheckRequest, HealthCheckResponse

from generated.proto.cinema import v1 as pb
from handlers.cinema.inventory_client import SeatsUnavailableError
from handlers.cinema.seat_map import sweep_expired

RUN = uuid.uuid4().hex[:8]  # booking ids stay unique across test sessions

pytestmark = pytest.mark.integration


def new_id() -> str:
    return str(uuid.uuid4())


def states(seat_map: pb.GetSeatMapResponse) -> dict[str, pb.SeatState]:
    return {seat.seat_id: seat.state for seat in seat_map.seats}


async def test_hold_is_all_or_nothing_and_names_the_unavailable_seats(inventory, make_showtime):
    showtime = await make_showtime()
    first = await inventory.hold_seats(showtime, ["A-2", "A-1"], new_id())
    assert first.state == pb.HoldState.HELD and first.seat_ids == ["A-1", "A-2"]
    with pytest.raises(SeatsUnavailableError) as refused:
        await inventory.hold_seats(showtime, ["A-3", "A-2", "A-4"], new_id())
    assert refused.value.status == Status.FAILED_PRECONDITION and refused.value.seat_ids == ["A-2"]
    seat_states = states(await inventory.get_seat_map(showtime))
    assert seat_states["A-3"] == seat_states["A-4"] == pb.SeatState.AVAILABLE
    assert seat_states["A-1"] == seat_states["A-2"] == pb.SeatState.HELD


async def test_hold_prices_seats_by_kind(inventory, make_showtime):
    showtime = await make_showtime(base_price_minor=1000)
    hold = await inventory.hold_seats(showtime, ["A-1", "B-1"], new_id())
    assert (hold.total_price_minor, hold.currency) == (1000 + 1500, "EUR")


async def test_every_operation_is_idempotent(inventory, make_showtime):
    showtime, hold_id, booking_id = await make_showtime(), new_id(), new_id()
    held = await inventory.hold_seats(showtime, ["A-5"], hold_id)
    assert await inventory.hold_seats(showtime, ["A-5"], hold_id) == held
    confirmed = await inventory.confirm_seats(hold_id, booking_id)
    assert confirmed.state == pb.HoldState.CONFIRMED and confirmed.booking_id == booking_id
    assert await inventory.confirm_seats(hold_id, booking_id) == confirmed
    assert states(await inventory.get_seat_map(showtime))["A-5"] == pb.SeatState.SOLD
    released = await inventory.release_seats(booking_id=booking_id)
    assert released.released_seat_ids == ["A-5"] and released.hold.state == pb.HoldState.RELEASED
    again = await inventory.release_seats(hold_id=hold_id)
    assert again.released_seat_ids == [] and again.hold.state == pb.HoldState.RELEASED
    assert states(await inventory.get_seat_map(showtime))["A-5"] == pb.SeatState.AVAILABLE


async def test_release_of_a_hold_frees_its_seats_for_others(inventory, make_showtime):
    showtime, hold_id = await make_showtime(), new_id()
    await inventory.hold_seats(showtime, ["A-1", "A-2"], hold_id)
    assert (await inventory.release_seats(hold_id=hold_id)).released_seat_ids == ["A-1", "A-2"]
    assert (await inventory.hold_seats(showtime, ["A-2"], new_id())).state == pb.HoldState.HELD
    with pytest.raises(GRPCError) as refused:
        await inventory.confirm_seats(hold_id, new_id())
    assert refused.value.status == Status.FAILED_PRECONDITION


async def test_expired_hold_is_free_for_others_and_cannot_be_confirmed(
    inventory, make_showtime, cinema_engine
):
    showtime, stale = await make_showtime(), new_id()
    await inventory.hold_seats(showtime, ["A-1", "A-2"], stale, ttl_seconds=1)
    await asyncio.sleep(1.1)
    assert states(await inventory.get_seat_map(showtime))["A-1"] == pb.SeatState.AVAILABLE
    fresh = await inventory.hold_seats(showtime, ["A-2", "A-3"], new_id())
    assert fresh.state == pb.HoldState.HELD
    with pytest.raises(GRPCError) as refused:
        await inventory.confirm_seats(stale, new_id())
    assert refused.value.status == Status.FAILED_PRECONDITION and "expired" in refused.value.message
    replay = await inventory.hold_seats(showtime, ["A-1", "A-2"], stale)
    assert replay.state == pb.HoldState.EXPIRED
    assert await sweep_expired(cinema_engine) >= 1
    seat_map = await inventory.get_seat_map(showtime)
    assert states(seat_map)["A-1"] == pb.SeatState.AVAILABLE and states(seat_map)["A-2"] == pb.SeatState.HELD
    released = await inventory.release_seats(hold_id=stale)
    assert (
        released.released_seat_ids == []
        and states(await inventory.get_seat_map(showtime))["A-2"] == pb.SeatState.HELD
    )


async def test_confirm_refuses_another_booking_and_reused_hold_ids(inventory, make_showtime):
    showtime, hold_id = await make_showtime(), new_id()
    await inventory.hold_seats(showtime, ["B-1"], hold_id)
    await inventory.confirm_seats(hold_id, f"booking-1-{RUN}")
    with pytest.raises(GRPCError) as other_booking:
        await inventory.confirm_seats(hold_id, f"booking-2-{RUN}")
    assert other_booking.value.status == Status.FAILED_PRECONDITION
    with pytest.raises(GRPCError) as reused:
        await inventory.hold_seats(showtime, ["B-2"], hold_id)
    assert reused.value.status == Status.ALREADY_EXISTS


async def test_grpc_health_service_reports_serving(inventory):
    response = await HealthStub(inventory.channel).Check(HealthCheckRequest())
    assert response.status == HealthCheckResponse.SERVING


BAD_HOLDS = [
    pytest.param(0, ["A-1"], "h", 0, Status.INVALID_ARGUMENT, id="showtime-zero"),
    pytest.param(-5, ["A-1"], "h", 0, Status.INVALID_ARGUMENT, id="showtime-negative"),
    pytest.param(2_000_000_000, ["A-1"], "h", 0, Status.NOT_FOUND, id="showtime-unknown"),
    pytest.param(2**40, ["A-1"], "h", 0, Status.NOT_FOUND, id="showtime-beyond-int32"),
    pytest.param(None, [], "h", 0, Status.INVALID_ARGUMENT, id="no-seats"),
    pytest.param(None, [f"A-{n}" for n in range(1, 12)], "h", 0, Status.INVALID_ARGUMENT, id="eleven-seats"),
    pytest.param(None, ["A-1", "A-1"], "h", 0, Status.INVALID_ARGUMENT, id="duplicate-seats"),
    pytest.param(None, ["1A"], "h", 0, Status.INVALID_ARGUMENT, id="malformed-seat"),
    pytest.param(None, ["Z-99"], "h", 0, Status.NOT_FOUND, id="unknown-seat"),
    pytest.param(None, ["A-1"], "", 0, Status.INVALID_ARGUMENT, id="empty-hold-id"),
    pytest.param(None, ["A-1"], "x" * 65, 0, Status.INVALID_ARGUMENT, id="long-hold-id"),
    pytest.param(None, ["A-1"], "bad id", 0, Status.INVALID_ARGUMENT, id="hold-id-with-space"),
    pytest.param(None, ["A-1"], "h", -1, Status.INVALID_ARGUMENT, id="negative-ttl"),
    pytest.param(None, ["A-1"], "h", 1801, Status.INVALID_ARGUMENT, id="ttl-above-max"),
]


@pytest.mark.parametrize(("showtime", "seats", "hold_id", "ttl", "status"), BAD_HOLDS)
async def test_bad_hold_requests_get_their_documented_status(
    inventory, make_showtime, showtime, seats, hold_id, ttl, status
):
    showtime = showtime if showtime is not None else await make_showtime()
    hold_id = f"{hold_id}-{new_id()}" if hold_id == "h" else hold_id
    with pytest.raises(GRPCError) as refused:
        await inventory.hold_seats(showtime, seats, hold_id, ttl_seconds=ttl)
    assert refused.value.status == status


async def test_bad_confirm_release_and_map_requests_get_their_documented_status(inventory):
    cases = [
        (inventory.confirm_seats(new_id(), f"booking-1-{RUN}"), Status.NOT_FOUND),
        (inventory.confirm_seats("", f"booking-1-{RUN}"), Status.INVALID_ARGUMENT),
        (inventory.confirm_seats(new_id(), ""), Status.INVALID_ARGUMENT),
        (inventory.release_seats(), Status.INVALID_ARGUMENT),
        (inventory.release_seats(hold_id=""), Status.INVALID_ARGUMENT),
        (inventory.release_seats(hold_id=new_id()), Status.NOT_FOUND),
        (inventory.release_seats(booking_id=new_id()), Status.NOT_FOUND),
        (inventory.get_seat_map(0), Status.INVALID_ARGUMENT),
        (inventory.get_seat_map(2_000_000_000), Status.NOT_FOUND),
    ]
    for call, status in cases:
        with pytest.raises(GRPCError) as refused:
            await call
        assert refused.value.status == status


async def test_one_window_no_hold_or_sale_once_the_showtime_started_release_still_works(
    inventory, make_showtime, cinema_engine
):
    showtime, hold_id = await make_showtime(), new_id()
    await inventory.hold_seats(showtime, ["A-1"], hold_id)
    async with cinema_engine.begin() as conn:
        await conn.exec_driver_sql(
            "UPDATE showtimes SET starts_at = now() - interval '1 minute', "
            "ends_at = now() + interval '99 minutes' WHERE id = $1",
            (showtime,),
        )
    for late in (
        inventory.confirm_seats(hold_id, f"booking-late-{RUN}"),
        inventory.hold_seats(showtime, ["A-2"], new_id()),
    ):
        with pytest.raises(GRPCError) as refused:
            await late
        assert refused.value.status == Status.FAILED_PRECONDITION
        assert f"Showtime {showtime} has already started" in refused.value.message
    seat_states = states(await inventory.get_seat_map(showtime))
    assert (seat_states["A-1"], seat_states["A-2"]) == (pb.SeatState.HELD, pb.SeatState.AVAILABLE)
    released = await inventory.release_seats(hold_id=hold_id)
    assert released.released_seat_ids == ["A-1"]
    assert states(await inventory.get_seat_map(showtime))["A-1"] == pb.SeatState.AVAILABLE
