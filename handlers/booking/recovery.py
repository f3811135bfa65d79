"""Resume or compensate bookings left mid-way (crash, timeout, restart); run at start-up and periodically.

- PENDING past its hold expiry -> seats released, EXPIRED.
- CONFIRMING: the payment is looked up by booking id (never charged again): captured ->
  seats confirmed (or refunded and EXPIRED if the hold lapsed); declined -> PAYMENT_FAILED;
  no payment -> back to PENDING while the hold lives, else EXPIRED.
- CANCELLING -> refund and release finished, CANCELLED.
Only bookings untouched for ``stale_after`` are taken, so a request still in flight is left alone.
"""

import logging
from collections import Counter
from datetime import timedelta

from handlers.booking.cancellation import finish_cancellation
from handlers.booking.confirmation import expire_unpaid, hold_lapsed, settle
from handlers.booking.deps import SagaDeps
from handlers.booking.errors import BookingFault, BookingProblem
from handlers.booking.models import Booking, Status, now
from handlers.booking.store import transition

logger = logging.getLogger(__name__)
UNFINISHED = [str(Status.PENDING), str(Status.CONFIRMING), str(Status.CANCELLING)]


async def _resume_confirming(deps: SagaDeps, booking: Booking, bearer: str) -> Booking:
    payment = await deps.payments.find_for_booking(booking.id, bearer)
    if payment is not None:
        return await settle(deps, booking, payment, bearer)
    if hold_lapsed(booking):
        return await expire_unpaid(deps, booking)
    detail = "no charge was made; awaiting confirmation again"
    return await transition(booking, {Status.CONFIRMING}, Status.PENDING, detail)


async def recover_booking(deps: SagaDeps, booking: Booking) -> str:
    """Drive one unfinished booking as far as it can go; returns its status afterwards."""
    bearer = deps.credentials.for_user(booking.user_id)
    try:
        if booking.status == Status.PENDING:
            booking = await expire_unpaid(deps, booking) if hold_lapsed(booking) else booking
        elif booking.status == Status.CONFIRMING:
            booking = await _resume_confirming(deps, booking, bearer)
        elif booking.status == Status.CANCELLING:
            booking = await finish_cancellation(deps, booking, bearer)
    except BookingProblem as outcome:  # a compensated, terminal outcome
        return str(outcome.booking.status if outcome.booking else booking.status)
    return str(booking.status)


async def recover_bookings(deps: SagaDeps, stale_after: timedelta = timedelta(seconds=30)) -> Counter:
    """Recover every unfinished booking last changed before ``now - stale_after``; counts by outcome."""
    outcomes: Counter = Counter()
    query = {"status": {"$in": UNFINISHED}, "updated_at": {"$lte": now() - stale_after}}
    async for raw in Booking.get_pymongo_collection().find(query):
        booking = Booking.model_validate(raw)
        if booking.status == Status.PENDING and not hold_lapsed(booking):
            continue
        try:
            outcomes[await recover_booking(deps, booking)] += 1
        except BookingFault as exc:  # dependency still down or a concurrent change: next sweep
            logger.warning("booking %s not recovered yet: %s", booking.id, exc.message)
            outcomes["deferred"] += 1
    return outcomes
