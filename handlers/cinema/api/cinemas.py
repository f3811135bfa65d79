"""/cinemas operations."""

from generated.openapi.cinema import CinemaCreate, CinemaPatch
from handlers.cinema import venues
from handlers.cinema.api.common import JsonResponse, fields_of, json_response, session
from handlers.common.auth import require_admin


async def search(limit: int = 20, offset: int = 0) -> JsonResponse:
    async with session() as db:
        return json_response(await venues.list_cinemas(db, limit, offset))


async def create(body: dict, token_info: dict) -> JsonResponse:
    require_admin(token_info)
    async with session() as db:
        cinema = await venues.create_cinema(db, fields_of(CinemaCreate, body))
    return json_response(venues.render_cinema(cinema), 201)


async def update(cinema_id: int, body: dict, token_info: dict) -> JsonResponse:
    require_admin(token_info)
    async with session() as db:
        cinema = await venues.update_cinema(db, cinema_id, fields_of(CinemaPatch, body))
    return json_response(venues.render_cinema(cinema))
