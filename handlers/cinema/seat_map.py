"""The public seat map of a showtime and the sweeper that returns expired holds to AVAILABLE."""

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from handlers.cinema import inventory_rules as rules
from handlers.cinema import seat_sql as sql
from handlers.cinema.errors import NotFound
from handlers.cinema.layout import seat_price

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SeatView:
    """What anyone may see of a seat: never the hold or booking that owns it."""

    seat_id: str
    row: str
    number: int
    kind: str
    state: str  # AVAILABLE, HELD, SOLD (an expired hold reads AVAILABLE)
    price_minor: int
    held_until: datetime | None


@dataclass(frozen=True)
class SeatMap:
    showtime_id: int
    currency: str
    seats: list[SeatView]


async def seat_map(engine: AsyncEngine, showtime_id: int) -> SeatMap:
    showtime_id = rules.showtime_id(showtime_id)
    async with engine.connect() as conn:
        pricing = (await conn.exec_driver_sql(sql.SHOWTIME_PRICING, (showtime_id,))).mappings().first()
        if pricing is None:
            raise NotFound(f"Showtime {showtime_id} does not exist.")
        rows = (await conn.exec_driver_sql(sql.SEAT_MAP, (showtime_id,))).mappings().all()
    return SeatMap(
        showtime_id, pricing["currency"], [_seat(row, pricing["base_price_minor"]) for row in rows]
    )


def _seat(row, base_price: int) -> SeatView:
    expired = row["state"] == "HELD" and not rules.is_taken(row, row["now"])
    held = row["state"] == "HELD" and not expired
    return SeatView(
        seat_id=row["seat_id"],
        row=row["row_label"],
        number=row["number"],
        kind=row["kind"],
        state="AVAILABLE" if expired else row["state"],
        price_minor=seat_price(base_price, row["kind"]),
        held_until=row["held_until"] if held else None,
    )


async def sweep_expired(engine: AsyncEngine, batch: int = 1000) -> int:
    """Frees seats of expired holds and marks those holds EXPIRED; never waits on a lock."""
    async with engine.begin() as conn:
        seats = await conn.exec_driver_sql(sql.SWEEP_SEATS, (batch,))
        await conn.exec_driver_sql(sql.SWEEP_HOLDS, (batch,))
    return seats.rowcount


async def run_sweeper(engine: AsyncEngine, interval_seconds: float) -> None:
    while True:
        try:
            freed = await sweep_expired(engine)
            if freed:
                logger.info("sweeper freed %d seats of expired holds", freed)
        except Exception:
            logger.exception("sweeper pass failed; retrying")
        await asyncio.sleep(interval_seconds)
