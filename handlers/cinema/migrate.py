"""Upgrade the cinema schema to the newest Alembic revision (never ``create_all``)."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from handlers.cinema.db import make_engine
from handlers.cinema.settings import CinemaSettings

ALEMBIC_INI = Path(__file__).with_name("alembic.ini")
_MIGRATION_LOCK = 720_102  # advisory lock key: one migrator at a time


def _upgrade(connection: Connection) -> None:
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
    config = Config(str(ALEMBIC_INI))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def migrate(settings: CinemaSettings) -> None:
    engine = make_engine(settings)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade)
    finally:
        await engine.dispose()
