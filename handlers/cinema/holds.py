"""HoldSeats, ConfirmSeats and ReleaseSeats: one PostgreSQL transaction each, pessimistic locks.

Each takes its row locks first (the hold's row, then its seats' rows), then reads the database clock
(``seat_sql.CLOCK``) and only then decides whether a hold is live and whether the showtime started.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from handlers.cinema import inventory_rules as rules
from handlers.cinema import seat_sql as sql
from handlers.cinema.errors import (
    BadRequest,
    HoldExpired,
    HoldIdReused,
    HoldNotConfirmable,
    NotFound,
    SeatsUnavailable,
    ShowtimeStarted,
)
from handlers.cinema.inventory_rules import HoldView
from handlers.cinema.layout import seat_price
from handlers.common.observability.metrics import SEATS_SOLD


@dataclass(frozen=True)
class TtlPolicy:
    default_seconds: int = 600
    max_seconds: int = 1800


async def hold_seats(
    engine: AsyncEngine,
    showtime_id: int,
    seat_ids: list[str],
    hold_id: str,
    ttl_seconds: int = 0,
    policy: TtlPolicy = TtlPolicy(),
) -> HoldView:
    showtime_id = rules.showtime_id(showtime_id)
    seats = rules.seat_ids(seat_ids)
    hold_id = rules.reference("hold_id", hold_id)
    ttl = rules.ttl(ttl_seconds, policy.default_seconds, policy.max_seconds)
    async with engine.begin() as conn:
        result = await conn.exec_driver_sql(sql.INSERT_HOLD, (hold_id, showtime_id, seats, ttl))
        inserted = result.mappings().first()
        if inserted is None:
            raise NotFound(f"Showtime {showtime_id} does not exist.")
        if inserted["started"]:
            raise _started(showtime_id, "held")
        held_until = inserted["held_until"]
        if held_until is None:
            return await _replayed(conn, hold_id, showtime_id, seats)
        if inserted["already_taken"]:
            raise SeatsUnavailable(list(inserted["already_taken"]))
        locked = (await conn.exec_driver_sql(sql.LOCK_FREE_SEATS, (showtime_id, seats))).mappings().all()
        if missing := set(seats) - {row["seat_id"] for row in locked}:
            await _unknown_or_busy(conn, showtime_id, missing)
        now, started = await _clock(conn, showtime_id)
        if started:
            raise _started(showtime_id, "held")
        taken = [row["seat_id"] for row in locked if rules.is_taken(row, now)]
        if taken:
            raise SeatsUnavailable(taken)
        total = sum(seat_price(inserted["base_price_minor"], row["kind"]) for row in locked)
        result = await conn.exec_driver_sql(sql.TAKE_SEATS, (showtime_id, seats, hold_id, held_until, total))
        return HoldView.from_row(result.mappings().one(), now)


async def confirm_seats(engine: AsyncEngine, hold_id: str, booking_id: str) -> HoldView:
    hold_id = rules.reference("hold_id", hold_id)
    booking_id = rules.reference("booking_id", booking_id)
    try:
        async with engine.begin() as conn:
            row = await _locked_hold(conn, sql.LOCK_HOLD, hold_id)
            locked = await _lock_seats(conn, row)
            now, started = await _clock(conn, row["showtime_id"])
            hold = HoldView.from_row(row, now)
            if hold.state == "CONFIRMED" and hold.booking_id == booking_id:
                return hold
            _require_confirmable(hold, started)
            if any(seat["state"] != "HELD" or seat["hold_id"] != hold_id for seat in locked):
                raise HoldExpired(f"Hold {hold_id} expired and its seats were taken.")
            sold = await conn.exec_driver_sql(
                sql.SELL_SEATS, (hold.showtime_id, list(hold.seat_ids), booking_id, hold_id)
            )
            view = HoldView.from_row(sold.mappings().one(), now)
        SEATS_SOLD.inc(len(hold.seat_ids))  # once committed
        return view
    except IntegrityError as exc:
        raise HoldNotConfirmable(f"Booking {booking_id} already has confirmed seats.") from exc


async def release_seats(
    engine: AsyncEngine, hold_id: str | None = None, booking_id: str | None = None
) -> tuple[HoldView, list[str]]:
    """Frees the seats still owned by the hold, at any time (also once the showtime started)."""
    if (hold_id is None) == (booking_id is None):
        raise BadRequest("Give exactly one of hold_id or booking_id.")
    async with engine.begin() as conn:
        if hold_id is not None:
            row = await _locked_hold(conn, sql.LOCK_HOLD, rules.reference("hold_id", hold_id))
        else:
            row = await _locked_hold(
                conn, sql.LOCK_HOLD_OF_BOOKING, rules.reference("booking_id", booking_id)
            )
        locked = [] if row["state"] == "RELEASED" else await _lock_seats(conn, row)
        now, _ = await _clock(conn, row["showtime_id"])
        if row["state"] == "RELEASED":
            return HoldView.from_row(row, now), []
        mine = [
            seat["seat_id"]
            for seat in locked
            if seat["hold_id"] == row["hold_id"] and seat["state"] != "AVAILABLE"
        ]
        freed = (
            (await conn.exec_driver_sql(sql.FREE_SEATS, (row["showtime_id"], mine, row["hold_id"])))
            .scalars()
            .all()
        )
        return await _hold(conn, row["hold_id"], now), list(freed)


def _require_confirmable(hold: HoldView, started: bool) -> None:
    if hold.state == "CONFIRMED":
        raise HoldNotConfirmable(f"Hold {hold.hold_id} is already confirmed for another booking.")
    if hold.state == "RELEASED":
        raise HoldNotConfirmable(f"Hold {hold.hold_id} was released.")
    if started:
        raise _started(hold.showtime_id, "sold")
    if hold.state == "EXPIRED":
        raise HoldExpired(f"Hold {hold.hold_id} expired at {hold.held_until.isoformat()}.")


def _started(showtime_id: int, verb: str) -> ShowtimeStarted:
    return ShowtimeStarted(f"Showtime {showtime_id} has already started; its seats can no longer be {verb}.")


async def _clock(conn: AsyncConnection, showtime_id: int) -> tuple[datetime, bool]:
    """The database clock, read once this transaction's row locks are held, and whether the showtime
    has started by then."""
    clock = (await conn.exec_driver_sql(sql.CLOCK, (showtime_id,))).mappings().one()
    return clock["now"], clock["starts_at"] <= clock["now"]


async def _replayed(conn: AsyncConnection, hold_id: str, showtime_id: int, seats: list[str]) -> HoldView:
    now, _ = await _clock(conn, showtime_id)
    hold = await _hold(conn, hold_id, now)
    if hold.showtime_id != showtime_id or list(hold.seat_ids) != seats:
        raise HoldIdReused(f"hold_id {hold_id} is already used for other seats.")
    return hold


async def _hold(conn: AsyncConnection, hold_id: str, now: datetime) -> HoldView:
    row = (await conn.exec_driver_sql(sql.GET_HOLD, (hold_id,))).mappings().one()
    return HoldView.from_row(row, now)


async def _locked_hold(conn: AsyncConnection, statement: str, key: str) -> RowMapping:
    row = (await conn.exec_driver_sql(statement, (key,))).mappings().first()
    if row is None:
        raise NotFound(f"No hold found for {key}.")
    return row


async def _unknown_or_busy(conn: AsyncConnection, showtime_id: int, missing: set[str]) -> None:
    """Refuse seats the hold could not lock: unknown ones (404), else those another request holds."""
    result = await conn.exec_driver_sql(sql.SEATS_OF, (showtime_id, sorted(missing)))
    if unknown := sorted(missing - {row[0] for row in result}):
        raise NotFound(f"Unknown seats for showtime {showtime_id}: {','.join(unknown)}", seat_ids=unknown)
    raise SeatsUnavailable(sorted(missing))


async def _lock_seats(conn: AsyncConnection, hold: RowMapping) -> list[RowMapping]:
    result = await conn.exec_driver_sql(sql.LOCK_SEATS, (hold["showtime_id"], list(hold["seat_ids"])))
    return list(result.mappings().all())
