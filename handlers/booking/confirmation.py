"""confirmBooking: charge, then sell the seats; every failure compensates to a terminal state.

PENDING -> CONFIRMING (charge in flight, payment id recorded once known) -> CONFIRMED.
A decline releases the seats (PAYMENT_FAILED); a hold that lapsed before the seats were
sold refunds the charge (EXPIRED). A timeout leaves the booking CONFIRMING; a retry or the
recovery sweep checks the payment by booking id before charging again.
"""

from typing import NoReturn

from handlers.booking.deps import SagaDeps
from handlers.booking.errors import BadUserInput, BookingProblem
from handlers.booking.models import TERMINAL, Booking, Status, now
from handlers.booking.ports import ChargeRefused, HoldLost, Payment
from handlers.booking.store import transition

TERMINAL_CODES = {
    Status.PAYMENT_FAILED: "PAYMENT_DECLINED",
    Status.EXPIRED: "BOOKING_EXPIRED",
    Status.CANCELLED: "INVALID_STATE",
}


def hold_lapsed(booking: Booking) -> bool:
    return booking.hold_expires_at <= now()


async def expire_unpaid(deps: SagaDeps, booking: Booking) -> Booking:
    """A hold lapsed with no charge: free the seats (idempotent) and end EXPIRED."""
    await deps.inventory.release(booking.hold_id)
    event = ("booking.expired", booking.event_data(refunded=False, payment_id=None))
    return await transition(
        booking, {Status.PENDING, Status.CONFIRMING}, Status.EXPIRED, "hold expired", event
    )


async def expire_paid(deps: SagaDeps, booking: Booking, payment: Payment, bearer: str) -> NoReturn:
    """A charge landed after the hold lapsed: refund it, free the seats, end EXPIRED."""
    refund_id = await deps.payments.refund(payment.payment_id, booking.amount, bearer)
    await deps.inventory.release(booking.hold_id)
    data = booking.event_data(refunded=True, payment_id=payment.payment_id)
    booking = await transition(
        booking,
        {Status.CONFIRMING},
        Status.EXPIRED,
        "hold expired before confirmation; charge refunded",
        ("booking.expired", data),
        payment_id=payment.payment_id,
        refund_id=refund_id,
    )
    raise BookingProblem(
        "BOOKING_EXPIRED", "The seat hold expired; the charge was refunded.", booking=booking
    )


async def settle(deps: SagaDeps, booking: Booking, payment: Payment, bearer: str) -> Booking:
    """Finish a CONFIRMING booking once the payment outcome is known."""
    if not payment.captured:
        await deps.inventory.release(booking.hold_id)
        booking = await transition(
            booking,
            {Status.CONFIRMING},
            Status.PAYMENT_FAILED,
            f"payment declined: {payment.reason}",
            payment_id=payment.payment_id,
        )
        raise BookingProblem(
            "PAYMENT_DECLINED", f"The payment was declined ({payment.reason}).", booking=booking
        )
    if booking.payment_id != payment.payment_id:
        booking = await transition(
            booking, {Status.CONFIRMING}, Status.CONFIRMING, "payment captured", payment_id=payment.payment_id
        )
    if hold_lapsed(booking):
        await expire_paid(deps, booking, payment, bearer)
    try:
        await deps.inventory.confirm(booking.hold_id, booking.id)
    except HoldLost:
        await expire_paid(deps, booking, payment, bearer)
    event = ("booking.confirmed", booking.event_data(payment_id=payment.payment_id))
    return await transition(booking, {Status.CONFIRMING}, Status.CONFIRMED, "seats sold", event)


async def confirm_booking(deps: SagaDeps, booking: Booking, payment_token: str, bearer: str) -> Booking:
    if booking.status == Status.CONFIRMED:
        return booking
    if booking.status in TERMINAL or booking.status == Status.CANCELLING:
        code = TERMINAL_CODES.get(booking.status, "INVALID_STATE")
        raise BookingProblem(code, f"The booking is {booking.status}.", booking=booking)

    if booking.status == Status.PENDING:
        if hold_lapsed(booking):
            booking = await expire_unpaid(deps, booking)
            raise BookingProblem("BOOKING_EXPIRED", "The seat hold expired.", booking=booking)
        booking = await transition(booking, {Status.PENDING}, Status.CONFIRMING, "charging payment")
        payment = None
    else:  # CONFIRMING after a fault: never charge twice, look the payment up first
        payment = await deps.payments.find_for_booking(booking.id, bearer)
    if payment is None:
        payment = await _charge(deps, booking, payment_token, bearer)
    return await settle(deps, booking, payment, bearer)


async def _charge(deps: SagaDeps, booking: Booking, payment_token: str, bearer: str) -> Payment:
    """Charge a CONFIRMING booking; a refused request (nothing charged) goes back to PENDING."""
    try:
        return await deps.payments.charge(booking.id, booking.amount, booking.currency, payment_token, bearer)
    except ChargeRefused as exc:
        await transition(booking, {Status.CONFIRMING}, Status.PENDING, f"charge refused: {exc}")
        raise BadUserInput(f"The payment service refused the charge: {exc}") from exc
