"""Demo data: 2 cinemas, 4 halls (80-200 seats), 8 movies, showtimes over the next 7 days.

Idempotent: entities are found by name/title, and a showtime slot that is already taken in
a hall is skipped, so running it again adds only what is missing (e.g. the newest day).
"""

from datetime import UTC, datetime, time, timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.cinema import movies, showtimes, venues
from handlers.cinema.catalog_rules import stored_id
from handlers.cinema.db import make_engine
from handlers.cinema.errors import OverlappingShowtime
from handlers.cinema.models import Cinema, Hall, Movie
from handlers.cinema.settings import CinemaSettings

CINEMAS = {
    "CineMesh Downtown": ("Berlin", "Alexanderplatz 1"),
    "CineMesh Riverside": ("Hamburg", "Am Sandtorkai 5"),
}
HALLS = {  # name: (cinema, row count, seats per row) -> 80, 120, 96, 200 seats
    "Downtown 1": ("CineMesh Downtown", 8, 10),
    "Downtown 2": ("CineMesh Downtown", 10, 12),
    "Riverside 1": ("CineMesh Riverside", 8, 12),
    "Riverside IMAX": ("CineMesh Riverside", 10, 20),
}
MOVIES = [
    ("The Long Queue", 112, "PG-13", ["drama", "comedy"]),
    ("Seat A-7", 98, "PG", ["thriller"]),
    ("Popcorn Galaxy", 131, "PG", ["sci-fi", "family"]),
    ("Midnight Matinee", 104, "R", ["horror"]),
    ("The Usher", 125, "PG-13", ["mystery"]),
    ("Encore", 90, "G", ["animation", "family"]),
    ("Final Reel", 142, "R", ["action"]),
    ("Credits Roll", 117, "NR", ["documentary"]),
]
SLOTS = (time(14, 0), time(17, 30), time(21, 0))
DAYS = 7


def layout(row_count: int, per_row: int) -> list[dict]:
    rows = [
        {"label": chr(ord("A") + index), "seat_count": per_row, "kind": "standard"}
        for index in range(row_count)
    ]
    rows[0]["overrides"] = [{"number": 1, "kind": "wheelchair"}, {"number": per_row, "kind": "wheelchair"}]
    for row in rows[-2:]:
        row["kind"] = "premium"
    return rows


async def _named(session: AsyncSession, model, column, value):
    return (await session.exec(select(model).where(column == value))).first()


async def seed_demo(settings: CinemaSettings) -> None:
    engine = make_engine(settings)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            cinemas = {}
            for name, (city, address) in CINEMAS.items():
                cinemas[name] = await _named(
                    session, Cinema, Cinema.name, name
                ) or await venues.create_cinema(session, {"name": name, "city": city, "address": address})
            halls = []
            for name, (cinema, row_count, per_row) in HALLS.items():
                fields = {"cinema_id": cinemas[cinema].id, "name": name, "rows": layout(row_count, per_row)}
                halls.append(
                    await _named(session, Hall, Hall.name, name) or await venues.create_hall(session, fields)
                )
            films = []
            for title, duration, rating, genres in MOVIES:
                fields = {
                    "title": title,
                    "duration_minutes": duration,
                    "rating": rating,
                    "genres": genres,
                    "poster_url": f"https://posters.cinemesh.dev/{title.lower().replace(' ', '-')}.jpg",
                }
                films.append(
                    await _named(session, Movie, Movie.title, title)
                    or await movies.create_movie(session, fields)
                )
            await _schedule(session, [stored_id(hall) for hall in halls], [stored_id(film) for film in films])
    finally:
        await engine.dispose()


async def _schedule(session: AsyncSession, hall_ids: list[int], movie_ids: list[int]) -> None:
    today = datetime.now(UTC).date()
    for day in range(DAYS):
        for hall_index, hall_id in enumerate(hall_ids):
            for slot_index, slot in enumerate(SLOTS):
                movie_id = movie_ids[(day + hall_index * len(SLOTS) + slot_index) % len(movie_ids)]
                starts_at = datetime.combine(today + timedelta(days=day), slot, tzinfo=UTC)
                fields = {
                    "movie_id": movie_id,
                    "hall_id": hall_id,
                    "starts_at": starts_at.isoformat(),
                    "base_price_minor": 1100 + 150 * slot_index,
                    "currency": "EUR",
                }
                try:
                    await showtimes.create_showtime(session, fields)
                except OverlappingShowtime:
                    continue
