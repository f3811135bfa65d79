"""What the cinema process reports to its operator: PostgreSQL readiness, pool use, live holds.

The gauges are read when ``/metrics`` is scraped; ``cinemesh_seats_sold_total`` moves where seats
are sold (``holds.confirm_seats``).
"""

from sqlalchemy.ext.asyncio import AsyncEngine

from handlers.common.observability import metrics, readiness
from handlers.common.observability.metrics import DB_POOL_IN_USE, DB_POOL_SIZE, HOLDS_LIVE

LIVE_HELD_SEATS = (
    "SELECT count(*) FROM showtime_seats WHERE state = 'HELD' AND held_until > clock_timestamp()"
)


def observe_engine(engine: AsyncEngine) -> None:
    async def database() -> None:
        async with engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")

    async def refresh() -> None:
        pool = engine.pool
        DB_POOL_IN_USE.labels("postgresql").set(getattr(pool, "checkedout", lambda: 0)())
        DB_POOL_SIZE.labels("postgresql").set(getattr(pool, "size", lambda: 0)())
        async with engine.connect() as conn:
            HOLDS_LIVE.set((await conn.exec_driver_sql(LIVE_HELD_SEATS)).scalar_one())

    readiness.register("database", database)
    metrics.on_scrape("cinema", refresh)
