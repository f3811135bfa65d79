"""GET /health: the process answers and PostgreSQL answers."""

from sqlalchemy.exc import SQLAlchemyError

from handlers.cinema.api.common import JsonResponse, engine, json_response
from handlers.cinema.errors import ServiceUnavailable


async def get() -> JsonResponse:
    try:
        async with engine().connect() as conn:
            await conn.exec_driver_sql("SELECT 1")
    except (OSError, SQLAlchemyError) as exc:
        raise ServiceUnavailable("PostgreSQL does not answer.") from exc
    return json_response({"status": "ok"})
