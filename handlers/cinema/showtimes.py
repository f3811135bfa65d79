"""Showtimes: no two overlap in one hall (exclusion constraint); seats copied from the hall layout."""

from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.cinema.catalog_rules import day_bounds, existing, page, parse_instant, stored_id
from handlers.cinema.errors import NotFound, OverlappingShowtime, Unprocessable
from handlers.cinema.models import Hall, Movie, Showtime

COPY_SEATS = text(
    "INSERT INTO showtime_seats (showtime_id, seat_id, row_label, number, kind, position) "
    "SELECT :showtime_id, seat_id, row_label, number, kind, position FROM hall_seats WHERE hall_id = :hall_id"
)


def render_showtime(row) -> dict:
    showtime, cinema_id = row
    return {
        **showtime.model_dump(),
        "cinema_id": cinema_id,
        "starts_at": showtime.starts_at.isoformat(),
        "ends_at": showtime.ends_at.isoformat(),
    }


def _with_cinema():
    return select(Showtime, Hall.cinema_id).join(Hall, col(Hall.id) == col(Showtime.hall_id))


async def list_showtimes(
    session: AsyncSession,
    limit: int,
    offset: int,
    movie_id: int | None = None,
    cinema_id: int | None = None,
    date: str | None = None,
) -> dict:
    statement = _with_cinema().order_by(col(Showtime.starts_at), col(Showtime.id))
    if movie_id is not None:
        statement = statement.where(Showtime.movie_id == movie_id)
    if cinema_id is not None:
        statement = statement.where(Hall.cinema_id == cinema_id)
    if date is not None:
        start, end = day_bounds(date)
        statement = statement.where(col(Showtime.starts_at) >= start, col(Showtime.starts_at) < end)
    return await page(session, statement, limit, offset, render_showtime)


async def get_showtime(session: AsyncSession, showtime_id: int) -> dict:
    row = (await session.exec(_with_cinema().where(Showtime.id == showtime_id))).first()
    if row is None:
        raise NotFound(f"Showtime {showtime_id} does not exist.")
    return render_showtime(row)


async def create_showtime(session: AsyncSession, fields: dict) -> dict:
    movie = await session.get(Movie, fields["movie_id"])
    if movie is None:
        raise Unprocessable(f"Movie {fields['movie_id']} does not exist.")
    if await session.get(Hall, fields["hall_id"]) is None:
        raise Unprocessable(f"Hall {fields['hall_id']} does not exist.")
    starts_at = parse_instant("starts_at", fields["starts_at"])
    showtime = Showtime(
        **{**fields, "starts_at": starts_at}, ends_at=starts_at + timedelta(minutes=movie.duration_minutes)
    )
    session.add(showtime)
    await _flush_without_overlap(session, showtime)
    await session.execute(COPY_SEATS, {"showtime_id": showtime.id, "hall_id": showtime.hall_id})
    await session.commit()
    return await get_showtime(session, stored_id(showtime))


async def update_showtime(session: AsyncSession, showtime_id: int, fields: dict) -> dict:
    showtime = await existing(session, Showtime, showtime_id, for_update=True)
    if "starts_at" in fields:
        movie = await existing(session, Movie, showtime.movie_id)
        showtime.starts_at = parse_instant("starts_at", fields["starts_at"])
        showtime.ends_at = showtime.starts_at + timedelta(minutes=movie.duration_minutes)
    showtime.sqlmodel_update({key: value for key, value in fields.items() if key != "starts_at"})
    session.add(showtime)
    await _flush_without_overlap(session, showtime)
    await session.commit()
    return await get_showtime(session, showtime_id)


async def _flush_without_overlap(session: AsyncSession, showtime: Showtime) -> None:
    detail = (
        f"Hall {showtime.hall_id} already has a showtime overlapping "
        f"{showtime.starts_at.isoformat()} - {showtime.ends_at.isoformat()}."
    )
    try:
        await session.flush()
    except IntegrityError as exc:
        if "showtimes_no_overlap" not in str(exc.orig):
            raise
        await session.rollback()
        raise OverlappingShowtime(detail) from exc
