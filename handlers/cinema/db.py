"""The one async SQLAlchemy engine (asyncpg driver) a cinema process shares."""

from sqlalchemy import exc, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from handlers.cinema.settings import CinemaSettings

# PostgreSQL unreachable, connection lost or pool exhausted: retryable, never a bug of the request.
UNAVAILABLE_ERRORS = (OSError, exc.OperationalError, exc.InterfaceError, exc.TimeoutError)
# Besides those, a driver error of SQLSTATE class 08 (connection exception) or 57 (operator
# intervention: starting up, shutting down, connections terminated), which asyncpg raises as a plain
# DBAPIError while PostgreSQL restarts.
UNAVAILABLE_SQLSTATE_CLASSES = ("08", "57")


def unavailable(error: BaseException) -> bool:
    """Whether ``error`` says PostgreSQL cannot serve now (a 503 / gRPC UNAVAILABLE, not a 500)."""
    if isinstance(error, UNAVAILABLE_ERRORS):
        return True
    sqlstate = str(getattr(getattr(error, "orig", None), "sqlstate", None) or "")
    return isinstance(error, exc.DBAPIError) and sqlstate[:2] in UNAVAILABLE_SQLSTATE_CLASSES


def make_engine(settings: CinemaSettings) -> AsyncEngine:
    return create_async_engine(
        settings.postgres_url,
        pool_size=settings.db_pool_size,
        max_overflow=0,
        pool_pre_ping=True,
    )


async def ensure_database(settings: CinemaSettings) -> None:
    """Creates the database of ``settings.postgres_url`` when missing (dev and test convenience)."""
    url = make_url(settings.postgres_url)
    server = create_async_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with server.connect() as conn:
            exists = await conn.exec_driver_sql(
                "SELECT 1 FROM pg_database WHERE datname = $1", (url.database,)
            )
            if exists.first() is None:
                await conn.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
    finally:
        await server.dispose()
