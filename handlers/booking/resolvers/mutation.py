"""Mutation resolvers: expected outcomes become the payload's typed ``error``."""

from ariadne import MutationType

from handlers.booking import service
from handlers.booking.errors import BookingProblem
from handlers.booking.resolvers.auth import caller
from handlers.booking.resolvers.types import BookingError, BookingPayload

mutation = MutationType()


async def _payload(step) -> BookingPayload:
    try:
        return BookingPayload(booking=await step, error=None)
    except BookingProblem as problem:
        error = BookingError(code=problem.code, message=problem.message, seat_ids=problem.seat_ids)
        return BookingPayload(booking=problem.booking, error=error)


@mutation.field("createBooking")
async def resolve_create_booking(_obj, info, showtime_id, seat_ids, idempotency_key):
    deps = info.context["deps"]
    return await _payload(service.create(deps, caller(info), showtime_id, seat_ids, idempotency_key))


@mutation.field("confirmBooking")
async def resolve_confirm_booking(_obj, info, booking_id, payment_token):
    deps = info.context["deps"]
    return await _payload(service.confirm(deps, caller(info), booking_id, payment_token))


@mutation.field("cancelBooking")
async def resolve_cancel_booking(_obj, info, id):
    return await _payload(service.cancel(info.context["deps"], caller(info), id))
