"""GET /health: the process answers and PostgreSQL answers (an unreachable database is a 503 problem)."""

from handlers.cinema.api.common import JsonResponse, engine, json_response


async def get() -> JsonResponse:
    async with engine().connect() as conn:
        await conn.exec_driver_sql("SELECT 1")
    return json_response({"status": "ok"})
