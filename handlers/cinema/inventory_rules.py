"""Input rules and read models of the seat inventory (no I/O)."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from generated.proto.item_counts import HOLD_SEATS_REQUEST_SEAT_IDS as SEAT_COUNT
from handlers.cinema.errors import BadRequest, NotFound
from handlers.cinema.layout import SEAT_ID_PATTERN

MAX_DB_ID = 2**31 - 1
REFERENCE_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class Columns(Protocol):
    """A row read by column name: a SQLAlchemy ``RowMapping`` or a plain dict."""

    def __getitem__(self, name: str, /) -> Any: ...


@dataclass(frozen=True)
class HoldView:
    hold_id: str
    showtime_id: int
    seat_ids: tuple[str, ...]
    state: str  # HELD, EXPIRED, CONFIRMED, RELEASED
    held_until: datetime
    booking_id: str | None
    total_price_minor: int
    currency: str

    @classmethod
    def from_row(cls, row: Columns, now: datetime) -> "HoldView":
        expired = row["state"] == "HELD" and row["held_until"] <= now
        return cls(
            hold_id=row["hold_id"],
            showtime_id=row["showtime_id"],
            seat_ids=tuple(row["seat_ids"]),
            state="EXPIRED" if expired else row["state"],
            held_until=row["held_until"],
            booking_id=row["booking_id"],
            total_price_minor=row["total_price_minor"],
            currency=row["currency"],
        )


def showtime_id(value: int) -> int:
    if value <= 0:
        raise BadRequest("showtime_id must be a positive integer.")
    if value > MAX_DB_ID:
        raise NotFound(f"Showtime {value} does not exist.")
    return value


def reference(name: str, value: str | None) -> str:
    if not value or not REFERENCE_PATTERN.match(value):
        raise BadRequest(f"{name} must be 1-64 characters from [A-Za-z0-9._:-].")
    return value


def seat_ids(values: Sequence[str]) -> list[str]:
    if not SEAT_COUNT.min <= len(values) <= SEAT_COUNT.max:
        raise BadRequest(f"Hold between {SEAT_COUNT.min} and {SEAT_COUNT.max} seats.")
    malformed = [value for value in values if not SEAT_ID_PATTERN.match(value)]
    if malformed:
        raise BadRequest(
            f"Malformed seat ids (expected like 'A-7'): {','.join(malformed)}", seat_ids=malformed
        )
    if len(set(values)) != len(values):
        raise BadRequest("Seat ids must be distinct.")
    return sorted(values)


def ttl(value: int, default: int, maximum: int) -> int:
    if value == 0:
        return default
    if not 1 <= value <= maximum:
        raise BadRequest(f"ttl_seconds must be between 1 and {maximum} (0 for the default {default}).")
    return value


def is_taken(seat: Columns, now: datetime) -> bool:
    """SOLD, or HELD by a hold that is still live at ``now``; an expired hold counts as free."""
    return seat["state"] == "SOLD" or (seat["state"] == "HELD" and seat["held_until"] > now)
