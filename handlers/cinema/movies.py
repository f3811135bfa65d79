"""Movies of the catalog."""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.cinema.catalog_rules import existing, page
from handlers.cinema.models import Movie


def render_movie(movie: Movie) -> dict:
    return movie.model_dump()


async def list_movies(session: AsyncSession, limit: int, offset: int) -> dict:
    return await page(session, select(Movie).order_by(col(Movie.id)), limit, offset, render_movie)


async def create_movie(session: AsyncSession, fields: dict) -> Movie:
    movie = Movie(**fields)
    session.add(movie)
    await session.commit()
    return movie


async def update_movie(session: AsyncSession, movie_id: int, fields: dict) -> Movie:
    movie = await existing(session, Movie, movie_id)
    movie.sqlmodel_update(fields)
    session.add(movie)
    await session.commit()
    return movie
