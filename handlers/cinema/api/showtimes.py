"""/showtimes operations, including the public seat map."""

from generated.openapi.cinema import ShowtimeCreate, ShowtimePatch
from handlers.cinema import showtimes
from handlers.cinema.api.common import JsonResponse, engine, fields_of, json_response, session
from handlers.cinema.seat_map import SeatView, seat_map
from handlers.common.auth import require_admin


async def search(
    limit: int = 20,
    offset: int = 0,
    movie_id: int | None = None,
    cinema_id: int | None = None,
    date: str | None = None,
) -> JsonResponse:
    async with session() as db:
        return json_response(await showtimes.list_showtimes(db, limit, offset, movie_id, cinema_id, date))


async def get(showtime_id: int) -> JsonResponse:
    async with session() as db:
        return json_response(await showtimes.get_showtime(db, showtime_id))


async def create(body: dict, token_info: dict) -> JsonResponse:
    require_admin(token_info)
    async with session() as db:
        return json_response(await showtimes.create_showtime(db, fields_of(ShowtimeCreate, body)), 201)


async def update(showtime_id: int, body: dict, token_info: dict) -> JsonResponse:
    require_admin(token_info)
    async with session() as db:
        return json_response(await showtimes.update_showtime(db, showtime_id, fields_of(ShowtimePatch, body)))


def _public(seat: SeatView) -> dict:
    return {
        "seat_id": seat.seat_id,
        "row": seat.row,
        "number": seat.number,
        "kind": seat.kind,
        "state": seat.state.lower(),
        "price_minor": seat.price_minor,
    }


async def seats(showtime_id: int) -> JsonResponse:
    result = await seat_map(engine(), showtime_id)
    body = {"showtime_id": result.showtime_id, "currency": result.currency}
    return json_response({**body, "seats": [_public(seat) for seat in result.seats]})
