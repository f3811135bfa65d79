"""What must add up after any booking workload, checked over everything stored for some showtimes.

- every captured payment belongs to a CONFIRMED booking (unrefunded) or was refunded in full;
- every CONFIRMED booking has exactly one captured, unrefunded payment of its amount, currency
  and owner;
- the SOLD seats of each showtime are exactly the seats of its CONFIRMED bookings.

``money_and_seats(showtime_ids, seat_states)`` returns the violations (empty when all hold) so a
failing test prints every one of them.
"""

from collections.abc import Awaitable, Callable

from handlers.booking.models import Booking
from handlers.payment.models import Payment, Refund

SeatStates = Callable[[str], Awaitable[dict[str, str]]]


async def _refunded(payment_id: str) -> int:
    entries = Refund.get_pymongo_collection().find({"payment_id": payment_id, "status": {"$ne": "pending"}})
    return sum([entry["amount"] async for entry in entries])


async def money_and_seats(showtime_ids: list[str], seat_states: SeatStates) -> list[str]:
    bookings = await Booking.find({"showtime_id": {"$in": showtime_ids}}).to_list()
    by_id = {booking.id: booking for booking in bookings}
    payments = await Payment.find({"booking_id": {"$in": list(by_id)}}).to_list()
    violations = []
    kept: dict[str, list[Payment]] = {}
    for payment in payments:
        if payment.status != "succeeded":
            continue
        booking, refunded = by_id[payment.booking_id], await _refunded(payment.id)
        if refunded == payment.amount:
            continue
        if booking.status != "CONFIRMED" or refunded:
            violations.append(
                f"capture {payment.id} ({payment.amount}, {refunded} refunded) of a {booking.status} booking"
            )
        kept.setdefault(booking.id, []).append(payment)
    for booking in bookings:
        if booking.status != "CONFIRMED":
            continue
        paid = kept.get(booking.id, [])
        owed = (booking.amount, booking.currency, booking.user_id)
        if [(p.amount, p.currency, p.user_id) for p in paid] != [owed]:
            violations.append(f"CONFIRMED booking {booking.id} is paid by {[p.id for p in paid]}, not once")
    for showtime_id in showtime_ids:
        sold = {seat for seat, state in (await seat_states(showtime_id)).items() if state == "SOLD"}
        confirmed = {
            seat
            for booking in bookings
            if booking.showtime_id == showtime_id and booking.status == "CONFIRMED"
            for seat in booking.seat_ids
        }
        if sold != confirmed:
            violations.append(f"showtime {showtime_id}: SOLD {sorted(sold)} != confirmed {sorted(confirmed)}")
    return violations
