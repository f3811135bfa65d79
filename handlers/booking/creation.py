"""createBooking: hold the seats, price them, store a PENDING booking (idempotent per user and key)."""

import re
import uuid
from datetime import datetime

from pymongo.errors import DuplicateKeyError

from generated.events.models import BookingCreatedData
from generated.graphql.booking import MUTATION_CREATE_BOOKING_SEAT_IDS as SEAT_COUNT
from handlers.booking.errors import BadUserInput, BookingProblem, Conflict, DependencyUnavailable
from handlers.booking.expiry import SHOWTIME_STARTED
from handlers.booking.models import Booking, Status, Step, now
from handlers.booking.ports import Catalog, InvalidSeats, SeatInventory, SeatsUnavailable, UnknownShowtime
from handlers.common.observability.metrics import BOOKINGS

KEY_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
NAMESPACE = uuid.UUID("7b7e35c4-4f0e-4f53-9d0b-2a4f8c1e5b10")


def _validate(showtime_id: str, seat_ids: list[str], idempotency_key: str) -> None:
    if not showtime_id.isdigit():
        raise BadUserInput("showtimeId must be a showtime id (digits).")
    if not SEAT_COUNT.min <= len(seat_ids) <= SEAT_COUNT.max:
        raise BadUserInput(f"seatIds must name {SEAT_COUNT.min} to {SEAT_COUNT.max} seats.")
    if len(set(seat_ids)) != len(seat_ids):
        raise BadUserInput("seatIds must not repeat a seat.")
    if not KEY_PATTERN.match(idempotency_key):
        raise BadUserInput("idempotencyKey must be 1-64 characters from A-Z a-z 0-9 . _ : -")


def booking_id_for(user_id: str, idempotency_key: str) -> str:
    """The same user and key always name the same booking (and the same seat hold)."""
    return str(uuid.uuid5(NAMESPACE, f"{user_id}\x1f{idempotency_key}"))


def _parse_time(value: object) -> datetime | None:
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value if isinstance(value, datetime) else None


async def _existing(user_id: str, key: str, showtime_id: str, seat_ids: list[str]) -> Booking | None:
    found = await Booking.find_one({"user_id": user_id, "idempotency_key": key})
    if found and (found.showtime_id != showtime_id or sorted(found.seat_ids) != sorted(seat_ids)):
        raise Conflict("idempotencyKey was already used for another showtime or seat selection.")
    return found


async def create_booking(
    inventory: SeatInventory,
    catalog: Catalog,
    user_id: str,
    showtime_id: str,
    seat_ids: list[str],
    idempotency_key: str,
    ttl_seconds: int,
) -> Booking:
    _validate(showtime_id, seat_ids, idempotency_key)
    if found := await _existing(user_id, idempotency_key, showtime_id, seat_ids):
        return found
    showtime = await catalog.showtime(showtime_id)
    if showtime is None:
        raise BookingProblem("NOT_FOUND", f"Showtime {showtime_id} does not exist.")
    starts_at = _parse_time(showtime.get("starts_at"))
    if starts_at is not None and starts_at <= now():
        raise BookingProblem(SHOWTIME_STARTED, "This showtime has already started.")
    booking_id = booking_id_for(user_id, idempotency_key)
    try:
        held = await inventory.hold(showtime_id, seat_ids, booking_id, ttl_seconds)
    except SeatsUnavailable as exc:
        raise BookingProblem("SEATS_UNAVAILABLE", str(exc), seat_ids=exc.seat_ids) from exc
    except UnknownShowtime as exc:
        raise BookingProblem(
            "NOT_FOUND", f"Showtime {showtime_id} or one of its seats does not exist."
        ) from exc
    except InvalidSeats as exc:
        raise BadUserInput(str(exc)) from exc
    except DependencyUnavailable:
        await _release_quietly(inventory, booking_id)
        raise
    booking = Booking(
        id=booking_id,
        user_id=user_id,
        idempotency_key=idempotency_key,
        showtime_id=showtime_id,
        seat_ids=held.seat_ids,
        hold_id=held.hold_id,
        amount=held.total_minor,
        currency=held.currency,
        hold_expires_at=held.held_until,
        movie_title=showtime.get("movie_title"),
        starts_at=starts_at,
    )
    booking.history.append(Step(status=Status.PENDING, at=booking.created_at, detail="seats held"))
    created = booking.event_data(BookingCreatedData, expires_at=held.held_until)
    booking.record_event("booking.created", created)
    try:
        await booking.insert()
    except DuplicateKeyError:  # a concurrent retry with the same key won the race
        return await _existing(user_id, idempotency_key, showtime_id, seat_ids) or booking
    BOOKINGS.labels(Status.PENDING).inc()
    return booking


async def _release_quietly(inventory: SeatInventory, hold_id: str) -> None:
    """Best effort after an uncertain hold; a hold we cannot release lapses with its TTL."""
    try:
        await inventory.release(hold_id)
    except Exception:
        return
