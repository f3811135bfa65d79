"""Migrations upgrade an empty database to head (idempotently) and the demo seed is idempotent."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import make_url

from handlers.cinema.db import ensure_database, make_engine
from handlers.cinema.migrate import migrate
from handlers.cinema.seed import CINEMAS, HALLS, MOVIES, seed_demo

pytestmark = [pytest.mark.integration, pytest.mark.slow]

COUNTS = """
WITH demo_showtimes AS (
    SELECT s.starts_at FROM showtimes s JOIN halls h ON h.id = s.hall_id WHERE h.name = ANY($2::text[]))
SELECT (SELECT count(*) FROM cinemas WHERE name = ANY($1::text[])),
       (SELECT count(*) FROM halls WHERE name = ANY($2::text[]) AND seat_count BETWEEN 80 AND 200),
       (SELECT count(*) FROM movies WHERE title = ANY($3::text[])),
       (SELECT count(*) FROM demo_showtimes),
       (SELECT max(starts_at) FROM demo_showtimes)
"""


async def test_migrate_twice_then_seed_twice(cinema_settings, cinema_engine):
    await migrate(cinema_settings)
    await seed_demo(cinema_settings)
    async with cinema_engine.connect() as conn:
        params = (list(CINEMAS), list(HALLS), [title for title, *_ in MOVIES])
        first = (await conn.exec_driver_sql(COUNTS, params)).one()
    await seed_demo(cinema_settings)
    async with cinema_engine.connect() as conn:
        second = (await conn.exec_driver_sql(COUNTS, params)).one()
    assert first == second
    cinemas, halls, movies, showtimes, last = first
    assert (cinemas, halls, movies) == (2, 4, 8) and showtimes >= 4 * 7
    assert last <= datetime.now(UTC) + timedelta(days=7)


async def test_migrate_builds_a_fresh_database(cinema_settings):
    url = make_url(cinema_settings.postgres_url).set(database="cinema_test_migrations")
    settings = cinema_settings.model_copy(update={"postgres_url": url.render_as_string(hide_password=False)})
    await ensure_database(settings)
    engine = make_engine(settings)
    try:
        async with engine.begin() as conn:
            await conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            await conn.exec_driver_sql("CREATE SCHEMA public")
        await migrate(settings)
        await migrate(settings)
        async with engine.connect() as conn:
            version = await conn.exec_driver_sql("SELECT version_num FROM cinema_alembic_version")
            assert version.scalar_one() == "0001"
    finally:
        await engine.dispose()
