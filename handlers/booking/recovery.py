"""Resume or compensate bookings left mid-way (crash, timeout, restart); run at start-up and periodically.

- PENDING past its window (hold lapsed or showtime started) -> payment looked up (a capture is
  refunded), seats released, EXPIRED.
- CONFIRMING whose lease is free (its request gave up or died): the payment is looked up by
  booking id, never charged again: captured -> seats confirmed (or refunded and EXPIRED past the
  window); declined -> PAYMENT_FAILED; none -> back to PENDING while the window is open, else EXPIRED.
- CANCELLING -> refund and release finished, CANCELLED.
The booking service acts as itself (its own token for payment and the seat inventory): no user's.
Only bookings untouched for ``stale_after`` are taken, so a request still in flight is left alone.
"""

import logging
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

from handlers.booking.cancellation import finish_cancellation
from handlers.booking.confirmation import claim, drive
from handlers.booking.deps import SagaDeps
from handlers.booking.errors import BookingFault, BookingProblem
from handlers.booking.expiry import closed, expire
from handlers.booking.models import Booking, Status, now

logger = logging.getLogger(__name__)
UNFINISHED = [str(Status.PENDING), str(Status.CONFIRMING), str(Status.CANCELLING)]


async def recover_booking(deps: SagaDeps, booking: Booking) -> str:
    """Drive one unfinished booking as far as it can go; returns its status afterwards."""
    try:
        if booking.status == Status.PENDING:
            if code := closed(booking):
                booking = await expire(deps, booking, code)
        elif booking.status == Status.CONFIRMING:
            booking = await drive(deps, await claim(deps, booking, "recovering"), None, resumed=True)
        elif booking.status == Status.CANCELLING:
            booking = await finish_cancellation(deps, booking)
    except BookingProblem as outcome:  # a compensated, terminal outcome
        return str(outcome.booking.status if outcome.booking else booking.status)
    return str(booking.status)


def unfinished_queries(changed_before: datetime) -> list[dict]:
    """The sweep's queries, one status each: FerretDB v1 hands an equality on ``status`` to
    PostgreSQL and its index, but filters an ``$in`` in Go after reading every booking ever stored,
    which made each sweep cost more as history grew."""
    return [{"status": status, "updated_at": {"$lte": changed_before}} for status in UNFINISHED]


async def _unfinished(changed_before: datetime) -> AsyncIterator[dict]:
    for query in unfinished_queries(changed_before):
        async for raw in Booking.get_pymongo_collection().find(query):
            yield raw


async def recover_bookings(deps: SagaDeps, stale_after: timedelta = timedelta(seconds=30)) -> Counter:
    """Recover every unfinished booking last changed before ``now - stale_after``; counts by outcome."""
    outcomes: Counter = Counter()
    async for raw in _unfinished(now() - stale_after):
        booking = Booking.model_validate(raw)
        if booking.status == Status.PENDING and not closed(booking):
            continue
        try:
            outcomes[await recover_booking(deps, booking)] += 1
        except BookingFault as exc:  # dependency still down, lease held or a concurrent change: next sweep
            logger.warning("booking %s not recovered yet: %s", booking.id, exc.message)
            outcomes["deferred"] += 1
    return outcomes
