"""One window for a booking: seats are held, confirmed or cancelled only until the showtime starts.

A PENDING or CONFIRMING booking can be confirmed while its hold lives and before its showtime
starts (``closed`` says why not otherwise). Past that, ``expire`` ends it: it looks the payment
up first and refunds a capture it finds (a charge may have landed after all), frees the seats and
ends EXPIRED, so no path that gives seats up ever leaves a charge behind.
"""

from typing import NoReturn

from generated.events.models import BookingExpiredData
from handlers.booking.deps import SagaDeps
from handlers.booking.errors import BookingProblem
from handlers.booking.models import Booking, Status, now
from handlers.booking.ports import Payment
from handlers.booking.store import transition

SHOWTIME_STARTED = "SHOWTIME_STARTED"
BOOKING_EXPIRED = "BOOKING_EXPIRED"
_REASONS = {SHOWTIME_STARTED: "showtime started", BOOKING_EXPIRED: "hold expired"}
_MESSAGES = {
    SHOWTIME_STARTED: "The showtime has already started; seats can no longer be confirmed.",
    BOOKING_EXPIRED: "The seat hold expired.",
}


def started(booking: Booking) -> bool:
    return booking.starts_at is not None and booking.starts_at <= now()


def closed(booking: Booking) -> str | None:
    """Why ``booking`` can no longer be confirmed (SHOWTIME_STARTED, BOOKING_EXPIRED), or None."""
    if started(booking):
        return SHOWTIME_STARTED
    if booking.hold_expires_at <= now():
        return BOOKING_EXPIRED
    return None


async def expire(deps: SagaDeps, booking: Booking, code: str, payment: Payment | None = None) -> Booking:
    """Refund any capture (looked up unless given), free the seats, end EXPIRED (from its current status)."""
    payment = payment or await deps.payments.find_for_booking(booking.id)
    captured = payment.payment_id if payment is not None and payment.captured else None
    refund_id = await deps.payments.refund(captured) if captured else None
    await deps.inventory.release(booking.hold_id)
    detail = f"{_REASONS[code]}; " + ("charge refunded, seats released" if captured else "seats released")
    expired = booking.event_data(BookingExpiredData, refunded=bool(captured), payment_id=captured)
    return await transition(
        booking,
        {booking.status},
        Status.EXPIRED,
        detail,
        ("booking.expired", expired),
        payment_id=captured or booking.payment_id,
        refund_id=refund_id,
        lease_until=None,
    )


async def close(deps: SagaDeps, booking: Booking, code: str, payment: Payment | None = None) -> NoReturn:
    """``expire`` and answer why, as the mutation's error."""
    booking = await expire(deps, booking, code, payment)
    refunded = " The charge was refunded." if booking.refund_id else ""
    raise BookingProblem(code, _MESSAGES[code] + refunded, booking=booking)
