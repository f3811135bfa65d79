"""cancelBooking: PENDING releases the hold; CONFIRMED refunds and frees the sold seats before the show.

Both go through CANCELLING first, so a concurrent confirmBooking cannot start charging a booking
whose seats are being released, and a cancellation interrupted half-way is finished by recovery
(or by calling cancelBooking again: the refund is idempotent per payment, never made twice). A
cancellation that loses its last write to another request or to the recovery sweep answers from
where the booking is now: the CANCELLED booking when the other one finished it.
After the showtime starts nothing is cancelled (TOO_LATE_TO_CANCEL); a PENDING booking, which can
no longer be confirmed either, expires then.
"""

from generated.events.models import BookingCancelledData
from handlers.booking.confirmation import in_progress
from handlers.booking.deps import SagaDeps
from handlers.booking.errors import BookingProblem, Conflict
from handlers.booking.expiry import SHOWTIME_STARTED, closed, expire, started
from handlers.booking.models import Booking, Status
from handlers.booking.store import load, transition

TOO_LATE = "TOO_LATE_TO_CANCEL"


async def finish_cancellation(deps: SagaDeps, booking: Booking) -> Booking:
    """CANCELLING -> CANCELLED: refund the capture (looked up, idempotent per payment), free the seats."""
    refund_id, payment_id = booking.refund_id, booking.payment_id
    if not refund_id:
        payment = await deps.payments.find_for_booking(booking.id)
        if payment is not None and payment.captured:
            payment_id = payment.payment_id
            refund_id = await deps.payments.refund(payment_id)
    await deps.inventory.release(booking.hold_id)
    data = booking.event_data(BookingCancelledData, refunded=bool(refund_id), payment_id=payment_id)
    return await transition(
        booking,
        {Status.CANCELLING},
        Status.CANCELLED,
        "cancelled; payment refunded, seats released" if refund_id else "cancelled; seats released",
        ("booking.cancelled", data),
        payment_id=payment_id,
        refund_id=refund_id,
    )


async def cancel_booking(deps: SagaDeps, booking: Booking) -> Booking:
    try:
        return await _cancel(deps, booking)
    except Conflict:
        current = await load(booking.id)
        if current is None or current.status == booking.status:
            raise
        return await cancel_booking(deps, current)


async def _cancel(deps: SagaDeps, booking: Booking) -> Booking:
    if booking.status == Status.CANCELLED:
        return booking
    if booking.status == Status.PENDING:
        if code := closed(booking):
            booking = await expire(deps, booking, code)
            if code == SHOWTIME_STARTED:
                message = "The showtime has already started; the unpaid booking expired."
                raise BookingProblem(TOO_LATE, message, booking=booking)
            raise BookingProblem(code, "The seat hold had already expired.", booking=booking)
        booking = await transition(booking, {Status.PENDING}, Status.CANCELLING, "releasing the hold")
        return await finish_cancellation(deps, booking)
    if booking.status == Status.CONFIRMED:
        if started(booking):
            raise BookingProblem(TOO_LATE, "The showtime has already started.", booking=booking)
        booking = await transition(booking, {Status.CONFIRMED}, Status.CANCELLING, "refunding payment")
        return await finish_cancellation(deps, booking)
    if booking.status == Status.CANCELLING:
        return await finish_cancellation(deps, booking)
    if booking.status == Status.CONFIRMING:
        raise in_progress(booking)
    raise BookingProblem("INVALID_STATE", f"A {booking.status} booking cannot be cancelled.", booking=booking)
