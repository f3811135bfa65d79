"""Alembic environment: reuses a connection handed over by ``migrate()`` or opens its own."""

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

import handlers.cinema.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from handlers.cinema.settings import CinemaSettings

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        version_table=config.get_main_option("version_table") or "alembic_version",
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine() -> None:
    engine = create_async_engine(CinemaSettings().postgres_url)
    async with engine.begin() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported")
given = config.attributes.get("connection")
if given is not None:
    _run(given)
else:
    asyncio.run(_run_with_own_engine())
