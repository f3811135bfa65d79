"""``SeatInventory`` over the cinema's gRPC ``SeatInventoryService`` through its ``InventoryClient``."""

import asyncio
from datetime import UTC, datetime

from grpclib import GRPCError, Status
from grpclib.exceptions import ProtocolError, StreamTerminatedError

from generated.proto.cinema import v1 as pb
from handlers.booking.errors import Conflict, DependencyUnavailable
from handlers.booking.ports import (
    HeldSeats,
    HoldLost,
    InvalidSeats,
    SeatsUnavailable,
    SeatView,
    UnknownShowtime,
)
from handlers.cinema.inventory_client import InventoryClient, SeatsUnavailableError
from handlers.common.signing import MissingSigningKey

# The inventory could not be asked: network, deadline, or no signing key for our own token.
TRANSPORT_ERRORS = (asyncio.TimeoutError, OSError, StreamTerminatedError, ProtocolError, MissingSigningKey)
SEAT_STATES = {
    pb.SeatState.AVAILABLE: "AVAILABLE",
    pb.SeatState.HELD: "HELD",
    pb.SeatState.SOLD: "SOLD",
}


def _unreachable(exc: BaseException) -> DependencyUnavailable:
    return DependencyUnavailable(f"The seat inventory is unavailable ({type(exc).__name__}); try again.")


def _aware(moment: datetime | None) -> datetime:
    if moment is None:
        raise DependencyUnavailable("The seat inventory answered a hold without an expiry.")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _showtime_number(showtime_id: str) -> int:
    if not showtime_id.isdigit():
        raise UnknownShowtime(showtime_id)
    return int(showtime_id)


class GrpcSeatInventory:
    def __init__(self, client: InventoryClient):
        self._client = client

    async def hold(self, showtime_id: str, seat_ids: list[str], hold_id: str, ttl_seconds: int) -> HeldSeats:
        try:
            number = _showtime_number(showtime_id)
            hold = await self._client.hold_seats(number, seat_ids, hold_id, ttl_seconds)
        except SeatsUnavailableError as exc:
            raise SeatsUnavailable(exc.seat_ids) from exc
        except GRPCError as exc:
            if exc.status is Status.NOT_FOUND:
                raise UnknownShowtime(exc.message) from exc
            if exc.status is Status.INVALID_ARGUMENT:
                raise InvalidSeats(exc.message or "invalid seat selection") from exc
            if exc.status in (Status.ALREADY_EXISTS, Status.FAILED_PRECONDITION):
                raise Conflict(exc.message or "the hold conflicts with an earlier one") from exc
            raise _unreachable(exc) from exc
        except TRANSPORT_ERRORS as exc:
            raise _unreachable(exc) from exc
        return HeldSeats(
            hold_id=hold.hold_id,
            seat_ids=list(hold.seat_ids),
            held_until=_aware(hold.held_until),
            total_minor=hold.total_price_minor,
            currency=hold.currency,
        )

    async def confirm(self, hold_id: str, booking_id: str) -> None:
        try:
            await self._client.confirm_seats(hold_id, booking_id)
        except GRPCError as exc:
            if exc.status in (Status.FAILED_PRECONDITION, Status.NOT_FOUND):
                raise HoldLost(exc.message) from exc
            raise _unreachable(exc) from exc
        except TRANSPORT_ERRORS as exc:
            raise _unreachable(exc) from exc

    async def release(self, hold_id: str) -> None:
        try:
            await self._client.release_seats(hold_id=hold_id)
        except GRPCError as exc:
            if exc.status is Status.NOT_FOUND:
                return  # nothing was ever held under this id
            raise _unreachable(exc) from exc
        except TRANSPORT_ERRORS as exc:
            raise _unreachable(exc) from exc

    async def seat_map(self, showtime_id: str) -> list[SeatView]:
        try:
            response = await self._client.get_seat_map(_showtime_number(showtime_id))
        except GRPCError as exc:
            if exc.status in (Status.NOT_FOUND, Status.INVALID_ARGUMENT):
                raise UnknownShowtime(showtime_id) from exc
            raise _unreachable(exc) from exc
        except TRANSPORT_ERRORS as exc:
            raise _unreachable(exc) from exc
        return [
            SeatView(seat.seat_id, seat.row, seat.number, SEAT_STATES.get(seat.state, "AVAILABLE"))
            for seat in response.seats
        ]
