"""/halls operations."""

from generated.openapi.cinema import HallCreate, HallPatch
from handlers.cinema import venues
from handlers.cinema.api.common import JsonResponse, fields_of, json_response, session
from handlers.common.auth import require_admin


async def create(body: dict, token_info: dict) -> JsonResponse:
    require_admin(token_info)
    async with session() as db:
        hall = await venues.create_hall(db, fields_of(HallCreate, body))
    return json_response(venues.render_hall(hall), 201)


async def update(hall_id: int, body: dict, token_info: dict) -> JsonResponse:
    require_admin(token_info)
    async with session() as db:
        hall = await venues.update_hall(db, hall_id, fields_of(HallPatch, body))
    return json_response(venues.render_hall(hall))
