"""Hall layouts: rows of seats with kinds, seat ids ("A-7") and price tiers."""

import re
from dataclasses import dataclass

from handlers.cinema.errors import Unprocessable

SEAT_KINDS = ("standard", "premium", "wheelchair")
PRICE_TIER_PERCENT = {"standard": 100, "premium": 150, "wheelchair": 100}
SEAT_ID_PATTERN = re.compile(r"^[A-Z]{1,2}-[1-9][0-9]{0,2}$")
MAX_SEATS_PER_HALL = 500


@dataclass(frozen=True)
class LayoutSeat:
    seat_id: str
    row_label: str
    number: int
    kind: str
    position: int


def seat_id(row_label: str, number: int) -> str:
    return f"{row_label}-{number}"


def seat_price(base_price_minor: int, kind: str) -> int:
    return (base_price_minor * PRICE_TIER_PERCENT[kind] + 50) // 100


def expand(rows: list[dict]) -> list[LayoutSeat]:
    """Seats of a layout: ``[{"label": "A", "seat_count": 12, "kind": "standard",
    "overrides": [{"number": 1, "kind": "wheelchair"}]}, ...]`` in row then number order."""
    labels = [row["label"] for row in rows]
    if len(set(labels)) != len(labels):
        raise Unprocessable("Row labels must be unique within a hall.")
    seats: list[LayoutSeat] = []
    for row in rows:
        kinds = {override["number"]: override["kind"] for override in row.get("overrides", [])}
        if any(number > row["seat_count"] for number in kinds):
            raise Unprocessable(f"Row {row['label']} overrides a seat number beyond its seat_count.")
        for number in range(1, row["seat_count"] + 1):
            kind = kinds.get(number, row.get("kind", "standard"))
            seats.append(LayoutSeat(seat_id(row["label"], number), row["label"], number, kind, len(seats)))
    if len(seats) > MAX_SEATS_PER_HALL:
        raise Unprocessable(f"A hall has at most {MAX_SEATS_PER_HALL} seats.")
    return seats
