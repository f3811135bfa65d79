"""confirmBooking: charge once, then sell the seats; every failure compensates to a terminal state.

PENDING -> CONFIRMING (charge in flight, payment id recorded once known) -> CONFIRMED.

- Past the booking's window (``expiry.closed``: hold lapsed or showtime started) nothing is
  charged: any capture is refunded, the seats are released, the booking ends EXPIRED.
- A decline, or a charge the payment service refuses (nothing charged), releases the seats
  (PAYMENT_FAILED). A capture that does not pay for this booking (amount, currency, owner,
  nothing refunded) is refunded and sells no seats (PAYMENT_FAILED).
- Whoever drives a CONFIRMING booking holds its lease (``lease_until``): the request that
  started the charge; once it gave the lease up (its outcome was unknown) or the lease ran out
  (its process died), the next ``confirmBooking`` or the recovery sweep takes it, looks the
  payment up and only then charges. Anyone else gets IN_PROGRESS and changes nothing.
- The charge's Idempotency-Key is the booking id, so no booking is charged twice. A charge that
  payment refuses or that reuses the key (another card while an earlier charge stands) first looks
  the payment up and settles with the earlier charge it finds; with none, a refusal ends
  PAYMENT_FAILED (nothing was charged) and a reused key answers IN_PROGRESS.
"""

from datetime import timedelta

from pymongo.errors import PyMongoError

from generated.events.models import BookingConfirmedData
from handlers.booking.deps import SagaDeps
from handlers.booking.errors import BookingProblem, Conflict, DependencyUnavailable
from handlers.booking.expiry import BOOKING_EXPIRED, close, closed
from handlers.booking.models import TERMINAL, Booking, Status, now
from handlers.booking.ports import ChargeInProgress, ChargeRefused, HoldLost, Payment
from handlers.booking.store import lease_free, load, transition
from handlers.common.doc_lock import LockTimeout

IN_PROGRESS = "IN_PROGRESS"
TERMINAL_CODES = {
    Status.PAYMENT_FAILED: "PAYMENT_DECLINED",
    Status.EXPIRED: BOOKING_EXPIRED,
    Status.CANCELLED: "INVALID_STATE",
}


def in_progress(booking: Booking) -> BookingProblem:
    message = "A confirmation of this booking is still running; nothing new was charged. Ask again."
    return BookingProblem(IN_PROGRESS, message, booking=booking)


async def claim(deps: SagaDeps, booking: Booking, detail: str) -> Booking:
    """Take the booking's lease (PENDING or CONFIRMING -> CONFIRMING); Conflict if someone holds it."""
    at = now()
    until = at + timedelta(seconds=deps.lease_seconds)
    return await transition(
        booking, {booking.status}, Status.CONFIRMING, detail, at=at, guard=lease_free(at), lease_until=until
    )


async def _give_up(booking: Booking, detail: str) -> None:
    """Best effort: free the lease so a retry resumes at once (else it runs out)."""
    try:
        await transition(booking, {Status.CONFIRMING}, Status.CONFIRMING, detail, lease_until=None)
    except (Conflict, PyMongoError, LockTimeout):
        return


async def _fail(deps: SagaDeps, booking: Booking, detail: str, message: str, **fields) -> BookingProblem:
    await deps.inventory.release(booking.hold_id)
    booking = await transition(
        booking, {Status.CONFIRMING}, Status.PAYMENT_FAILED, detail, lease_until=None, **fields
    )
    return BookingProblem("PAYMENT_DECLINED", message, booking=booking)


async def settle(deps: SagaDeps, booking: Booking, payment: Payment) -> Booking:
    """Finish a CONFIRMING booking whose lease we hold, once the payment outcome is known."""
    if not payment.captured:
        detail = f"payment declined: {payment.reason}"
        message = f"The payment was declined ({payment.reason})."
        raise await _fail(deps, booking, detail, message, payment_id=payment.payment_id)
    if not payment.pays_for(booking.amount, booking.currency, booking.user_id):
        refund_id = await deps.payments.refund(payment.payment_id)
        message = "The charge did not match this booking; it was refunded and no seats were sold."
        detail = "charge does not match the booking (amount, currency, owner or refunded); refunded"
        raise await _fail(deps, booking, detail, message, payment_id=payment.payment_id, refund_id=refund_id)
    if booking.payment_id != payment.payment_id:
        booking = await transition(
            booking, {Status.CONFIRMING}, Status.CONFIRMING, "payment captured", payment_id=payment.payment_id
        )
    if code := closed(booking):
        await close(deps, booking, code, payment)
    try:
        await deps.inventory.confirm(booking.hold_id, booking.id)
    except HoldLost:
        await close(deps, booking, closed(booking) or BOOKING_EXPIRED, payment)
    event = ("booking.confirmed", booking.event_data(BookingConfirmedData, payment_id=payment.payment_id))
    sold = {Status.CONFIRMING}
    return await transition(booking, sold, Status.CONFIRMED, "seats sold", event, lease_until=None)


async def _charge(deps: SagaDeps, booking: Booking, payment_token: str) -> Payment:
    try:
        return await deps.payments.charge(
            booking.id, booking.user_id, booking.amount, booking.currency, payment_token
        )
    except (ChargeRefused, ChargeInProgress) as exc:  # nothing new charged; an earlier charge may stand
        earlier = await deps.payments.find_for_booking(booking.id)
        if earlier is not None:
            return earlier
        if isinstance(exc, ChargeInProgress):
            await _give_up(booking, "an earlier charge is still running")
            raise in_progress(booking) from exc
        message = f"The payment service refused the payment ({exc}); nothing was charged."
        raise await _fail(deps, booking, f"charge refused: {exc}", message) from exc


async def drive(deps: SagaDeps, booking: Booking, payment_token: str | None, resumed: bool) -> Booking:
    """With the lease held: settle the payment found (when resuming) or charge; None reopens it."""
    try:
        payment = await deps.payments.find_for_booking(booking.id) if resumed else None
        if payment is None:
            if code := closed(booking):
                await close(deps, booking, code)
            if payment_token is None:  # recovery: nothing was charged, the user may confirm again
                detail = "no charge was made; awaiting confirmation again"
                reopen = {Status.CONFIRMING}
                return await transition(booking, reopen, Status.PENDING, detail, lease_until=None)
            payment = await _charge(deps, booking, payment_token)
        return await settle(deps, booking, payment)
    except DependencyUnavailable as exc:
        await _give_up(booking, f"outcome unknown ({exc.message}); a retry resumes it")
        raise


async def confirm_booking(deps: SagaDeps, booking: Booking, payment_token: str) -> Booking:
    if booking.status == Status.CONFIRMED:
        return booking
    if booking.status in TERMINAL or booking.status == Status.CANCELLING:
        code = TERMINAL_CODES.get(booking.status, "INVALID_STATE")
        raise BookingProblem(code, f"The booking is {booking.status}.", booking=booking)
    resumed = booking.status == Status.CONFIRMING
    if not resumed and (closing := closed(booking)):
        await close(deps, booking, closing)
    try:
        booking = await claim(deps, booking, "resuming the charge" if resumed else "charging payment")
    except Conflict:
        current = await load(booking.id)
        if current is None or current.status in (Status.PENDING, Status.CONFIRMING):
            raise in_progress(current or booking) from None
        return await confirm_booking(deps, current, payment_token)
    return await drive(deps, booking, payment_token, resumed)
