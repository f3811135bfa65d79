"""The use cases the GraphQL resolvers call: ownership checks around the saga steps."""

import re

from beanie import SortDirection

from handlers.booking.cancellation import cancel_booking
from handlers.booking.confirmation import confirm_booking
from handlers.booking.creation import create_booking
from handlers.booking.deps import SagaDeps
from handlers.booking.errors import BadUserInput, BookingProblem
from handlers.booking.models import Booking
from handlers.common.auth import Principal

TOKEN_PATTERN = re.compile(r"^tok_[a-z0-9_]{1,64}$")
BOOKING_ID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


async def owned_booking(principal: Principal, booking_id: str) -> Booking | None:
    """The caller's booking, or None (also when it belongs to someone else: no existence leak).

    An id that is no booking id is not looked up: MongoDB on PostgreSQL (FerretDB) fails on
    strings such as NUL bytes.
    """
    if not BOOKING_ID_PATTERN.fullmatch(booking_id):
        return None
    booking = await Booking.get(booking_id)
    if booking is None or booking.user_id != principal.user_id:
        return None
    return booking


async def my_bookings(principal: Principal) -> list[Booking]:
    return (
        await Booking.find({"user_id": principal.user_id})
        .sort([("created_at", SortDirection.DESCENDING)])
        .to_list()
    )


async def _required(principal: Principal, booking_id: str) -> Booking:
    booking = await owned_booking(principal, booking_id)
    if booking is None:
        raise BookingProblem("NOT_FOUND", f"Booking {booking_id} does not exist.")
    return booking


async def create(
    deps: SagaDeps, principal: Principal, showtime_id: str, seat_ids: list[str], key: str
) -> Booking:
    return await create_booking(
        deps.inventory, deps.catalog, principal.user_id, showtime_id, seat_ids, key, deps.hold_ttl_seconds
    )


async def confirm(deps: SagaDeps, principal: Principal, booking_id: str, token: str) -> Booking:
    if not TOKEN_PATTERN.match(token):
        raise BadUserInput("paymentToken must be a card token (tok_ followed by a-z, 0-9, _).")
    return await confirm_booking(deps, await _required(principal, booking_id), token)


async def cancel(deps: SagaDeps, principal: Principal, booking_id: str) -> Booking:
    return await cancel_booking(deps, await _required(principal, booking_id))
