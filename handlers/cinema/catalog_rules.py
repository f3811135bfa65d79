"""Shared helpers of the catalog: lookups, pagination, storable text, UTC datetimes."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.cinema.errors import BadRequest, NotFound, Unprocessable

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
Row = TypeVar("Row")


class Stored(Protocol):
    id: int | None


def stored_id(row: Stored) -> int:
    """The primary key PostgreSQL gave ``row`` (None until the row is flushed)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id before it is flushed.")
    return row.id


async def existing(session: AsyncSession, model: type[Row], key: int, for_update: bool = False) -> Row:
    """The ``model`` row with primary key ``key`` (locked when ``for_update``), or a 404 naming it."""
    row = await session.get(model, key, with_for_update=for_update)
    if row is None:
        raise NotFound(f"{model.__name__} {key} does not exist.")
    return row


def require_storable(value: Any, path: str = "body") -> None:
    """PostgreSQL text holds neither NUL characters nor lone surrogates: refuse them with a 400."""
    if isinstance(value, dict):
        for key, item in value.items():
            require_storable(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            require_storable(item, f"{path}[{index}]")
    elif isinstance(value, str) and ("\x00" in value or _has_surrogate(value)):
        raise BadRequest(f"{path} contains characters that cannot be stored.")


def _has_surrogate(value: str) -> bool:
    return any(0xD800 <= ord(char) <= 0xDFFF for char in value)


def parse_instant(name: str, value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise BadRequest(f"{name} must be an RFC 3339 date-time.") from exc
    if parsed.tzinfo is None:
        raise BadRequest(f"{name} needs a time zone offset (e.g. 'Z').")
    if not EARLIEST <= parsed < LATEST:
        raise Unprocessable(f"{name} must be between {EARLIEST.year} and {LATEST.year}.")
    return parsed.astimezone(UTC)


def day_bounds(value: str) -> tuple[datetime, datetime]:
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise BadRequest("date must be a calendar date like 2026-11-26.") from exc
    start = datetime.combine(day, time(), tzinfo=UTC)
    return start, start + timedelta(days=1)


async def page(session: AsyncSession, statement, limit: int, offset: int, render) -> dict:
    total = (await session.exec(select(func.count()).select_from(statement.subquery()))).one()
    rows = (await session.exec(statement.limit(limit).offset(offset))).all()
    return {"items": [render(row) for row in rows], "total": total, "limit": limit, "offset": offset}
