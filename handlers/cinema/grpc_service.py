"""gRPC adapter: ``cinema.v1.SeatInventoryService`` over the seat inventory domain."""

from collections.abc import Iterator
from contextlib import contextmanager

import betterproto2
from grpclib import GRPCError, Status
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from generated.proto.cinema import v1 as pb
from handlers.cinema import holds
from handlers.cinema.db import UNAVAILABLE_ERRORS, unavailable
from handlers.cinema.errors import BadRequest, Conflict, HoldIdReused, NotFound, Unprocessable
from handlers.cinema.inventory_rules import HoldView
from handlers.cinema.seat_map import SeatView, seat_map

DATABASE_ERRORS = (*UNAVAILABLE_ERRORS, DBAPIError)
STATUS_BY_ERROR = (  # most specific first
    (HoldIdReused, Status.ALREADY_EXISTS),
    (Conflict, Status.FAILED_PRECONDITION),
    (NotFound, Status.NOT_FOUND),
    (BadRequest, Status.INVALID_ARGUMENT),
    (Unprocessable, Status.INVALID_ARGUMENT),
)


@contextmanager
def _grpc_status() -> Iterator[None]:
    try:
        yield
    except tuple(error for error, _ in STATUS_BY_ERROR) as exc:
        status = next(status for error, status in STATUS_BY_ERROR if isinstance(exc, error))
        raise GRPCError(status, exc.detail) from exc
    except DATABASE_ERRORS as exc:
        if not unavailable(exc):
            raise
        raise GRPCError(Status.UNAVAILABLE, "The seat inventory database is unavailable.") from exc


def hold_message(hold: HoldView) -> pb.Hold:
    return pb.Hold(
        hold_id=hold.hold_id,
        showtime_id=hold.showtime_id,
        seat_ids=list(hold.seat_ids),
        state=pb.HoldState[hold.state],
        held_until=hold.held_until,
        booking_id=hold.booking_id or "",
        total_price_minor=hold.total_price_minor,
        currency=hold.currency,
    )


def seat_message(seat: SeatView) -> pb.Seat:
    return pb.Seat(
        seat_id=seat.seat_id,
        row=seat.row,
        number=seat.number,
        kind=pb.SeatKind[seat.kind.upper()],
        state=pb.SeatState[seat.state],
        price_minor=seat.price_minor,
        held_until=seat.held_until,
    )


class SeatInventoryService(pb.SeatInventoryServiceBase):
    def __init__(self, engine: AsyncEngine, policy: holds.TtlPolicy):
        self._engine = engine
        self._policy = policy

    async def hold_seats(self, message: pb.HoldSeatsRequest) -> pb.HoldSeatsResponse:
        with _grpc_status():
            hold = await holds.hold_seats(
                self._engine,
                message.showtime_id,
                list(message.seat_ids),
                message.hold_id,
                message.ttl_seconds,
                self._policy,
            )
        return pb.HoldSeatsResponse(hold=hold_message(hold))

    async def confirm_seats(self, message: pb.ConfirmSeatsRequest) -> pb.ConfirmSeatsResponse:
        with _grpc_status():
            hold = await holds.confirm_seats(self._engine, message.hold_id, message.booking_id)
        return pb.ConfirmSeatsResponse(hold=hold_message(hold))

    async def release_seats(self, message: pb.ReleaseSeatsRequest) -> pb.ReleaseSeatsResponse:
        field, value = betterproto2.which_one_of(message, "target")
        with _grpc_status():
            hold, released = await holds.release_seats(self._engine, **({field: value} if field else {}))
        return pb.ReleaseSeatsResponse(hold=hold_message(hold), released_seat_ids=released)

    async def get_seat_map(self, message: pb.GetSeatMapRequest) -> pb.GetSeatMapResponse:
        with _grpc_status():
            result = await seat_map(self._engine, message.showtime_id)
        return pb.GetSeatMapResponse(
            showtime_id=result.showtime_id,
            currency=result.currency,
            seats=[seat_message(seat) for seat in result.seats],
        )
