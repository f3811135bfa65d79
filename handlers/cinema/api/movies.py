"""/movies operations."""

from generated.openapi.cinema import MovieCreate, MoviePatch
from handlers.cinema import movies
from handlers.cinema.api.common import JsonResponse, fields_of, json_response, session
from handlers.common.auth import require_admin


async def search(limit: int = 20, offset: int = 0) -> JsonResponse:
    async with session() as db:
        return json_response(await movies.list_movies(db, limit, offset))


async def create(body: dict, token_info: dict) -> JsonResponse:
    require_admin(token_info)
    async with session() as db:
        movie = await movies.create_movie(db, fields_of(MovieCreate, body))
    return json_response(movies.render_movie(movie), 201)


async def update(movie_id: int, body: dict, token_info: dict) -> JsonResponse:
    require_admin(token_info)
    async with session() as db:
        movie = await movies.update_movie(db, movie_id, fields_of(MoviePatch, body))
    return json_response(movies.render_movie(movie))
