"""Cinemas and their halls (a hall's seat layout becomes its hall_seats rows)."""

from sqlalchemy import delete, insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.cinema.catalog_rules import existing, page
from handlers.cinema.errors import Conflict, Unprocessable
from handlers.cinema.layout import expand
from handlers.cinema.models import Cinema, Hall, HallSeat, Showtime


def render_cinema(cinema: Cinema) -> dict:
    return cinema.model_dump()


def render_hall(hall: Hall) -> dict:
    return hall.model_dump()


async def list_cinemas(session: AsyncSession, limit: int, offset: int) -> dict:
    return await page(session, select(Cinema).order_by(col(Cinema.id)), limit, offset, render_cinema)


async def create_cinema(session: AsyncSession, fields: dict) -> Cinema:
    cinema = Cinema(**fields)
    session.add(cinema)
    await session.commit()
    return cinema


async def update_cinema(session: AsyncSession, cinema_id: int, fields: dict) -> Cinema:
    cinema = await existing(session, Cinema, cinema_id)
    cinema.sqlmodel_update(fields)
    await session.commit()
    return cinema


async def create_hall(session: AsyncSession, fields: dict) -> Hall:
    if await session.get(Cinema, fields["cinema_id"]) is None:
        raise Unprocessable(f"Cinema {fields['cinema_id']} does not exist.")
    seats = expand(fields["rows"])
    hall = Hall(
        cinema_id=fields["cinema_id"], name=fields["name"], rows=fields["rows"], seat_count=len(seats)
    )
    session.add(hall)
    await session.flush()
    await _store_seats(session, hall, seats)
    await session.commit()
    return hall


async def update_hall(session: AsyncSession, hall_id: int, fields: dict) -> Hall:
    hall = await existing(session, Hall, hall_id, for_update=True)
    if "name" in fields:
        hall.name = fields["name"]
    if "rows" in fields:
        if (await session.exec(select(Showtime.id).where(Showtime.hall_id == hall_id).limit(1))).first():
            raise Conflict(f"Hall {hall_id} has showtimes; its layout can no longer change.")
        seats = expand(fields["rows"])
        hall.rows, hall.seat_count = fields["rows"], len(seats)
        await session.execute(delete(HallSeat).where(col(HallSeat.hall_id) == hall_id))
        await _store_seats(session, hall, seats)
    session.add(hall)
    await session.commit()
    return hall


async def _store_seats(session: AsyncSession, hall: Hall, seats: list) -> None:
    rows = [
        {
            "hall_id": hall.id,
            "seat_id": s.seat_id,
            "row_label": s.row_label,
            "number": s.number,
            "kind": s.kind,
            "position": s.position,
        }
        for s in seats
    ]
    await session.execute(insert(HallSeat), rows)
