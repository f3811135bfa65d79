"""``/health``: liveness and MongoDB reachability."""

from pymongo.errors import PyMongoError

from handlers.common.problems import ServiceUnavailable
from handlers.payment.api import json_body
from handlers.payment.models import Payment


async def health():
    try:
        await Payment.get_pymongo_collection().database.command("ping")
    except PyMongoError as exc:
        raise ServiceUnavailable("MongoDB does not answer.") from exc
    return json_body({"status": "ok"})
