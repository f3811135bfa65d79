"""cancelBooking: PENDING releases the hold; CONFIRMED refunds and frees the sold seats before the show.

Both go through CANCELLING first, so a concurrent confirmBooking cannot start charging a booking
whose seats are being released, and a cancellation interrupted half-way is finished by recovery.
"""

from handlers.booking.confirmation import expire_unpaid, hold_lapsed
from handlers.booking.deps import SagaDeps
from handlers.booking.errors import BookingProblem
from handlers.booking.models import Booking, Status, now
from handlers.booking.store import transition


async def finish_cancellation(deps: SagaDeps, booking: Booking, bearer: str) -> Booking:
    """CANCELLING -> CANCELLED: refund (idempotent per payment), then free the seats (idempotent)."""
    refund_id = booking.refund_id
    if booking.payment_id and not refund_id:
        refund_id = await deps.payments.refund(booking.payment_id, booking.amount, bearer)
    await deps.inventory.release(booking.hold_id)
    data = booking.event_data(refunded=bool(refund_id), payment_id=booking.payment_id)
    return await transition(
        booking,
        {Status.CANCELLING},
        Status.CANCELLED,
        "cancelled; payment refunded, seats released" if refund_id else "cancelled; seats released",
        ("booking.cancelled", data),
        refund_id=refund_id,
    )


async def cancel_booking(deps: SagaDeps, booking: Booking, bearer: str) -> Booking:
    if booking.status == Status.CANCELLED:
        return booking
    if booking.status == Status.PENDING:
        if hold_lapsed(booking):
            booking = await expire_unpaid(deps, booking)
            raise BookingProblem("BOOKING_EXPIRED", "The seat hold had already expired.", booking=booking)
        booking = await transition(booking, {Status.PENDING}, Status.CANCELLING, "releasing the hold")
        return await finish_cancellation(deps, booking, bearer)
    if booking.status == Status.CONFIRMED:
        if booking.starts_at is not None and booking.starts_at <= now():
            raise BookingProblem("TOO_LATE_TO_CANCEL", "The showtime has already started.", booking=booking)
        booking = await transition(booking, {Status.CONFIRMED}, Status.CANCELLING, "refunding payment")
        return await finish_cancellation(deps, booking, bearer)
    if booking.status == Status.CANCELLING:
        return await finish_cancellation(deps, booking, bearer)
    raise BookingProblem("INVALID_STATE", f"A {booking.status} booking cannot be cancelled.", booking=booking)
