"""/showtimes operations, including the public seat map (with an ETag, 304 on If-None-Match)."""

from connexion import request

from generated.openapi.cinema import ShowtimeCreate, ShowtimePatch
from handlers.cinema import showtimes
from handlers.cinema.api.common import JsonResponse, engine, fields_of, json_response, session
from handlers.cinema.seat_map import SeatView, seat_map
from handlers.common.auth import require_admin
from handlers.common.etag import none_match, weak_etag


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


async def seats(showtime_id: int) -> JsonResponse | tuple[None, int, dict[str, str]]:
    """The map, or a 304 without a body when the client's If-None-Match names its current tag."""
    result = await seat_map(engine(), showtime_id)
    listed = [_public(seat) for seat in result.seats]
    body, status, headers = json_response(
        {"showtime_id": result.showtime_id, "currency": result.currency, "seats": listed}
    )
    headers |= {"ETag": weak_etag(body), "Cache-Control": "no-cache"}
    if none_match(request.headers.get("if-none-match"), headers["ETag"]):
        return None, 304, headers  # the content type too: connexion picks one of the declared types by it
    return body, status, headers
