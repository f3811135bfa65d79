"""``/health``: liveness and MongoDB reachability."""

from handlers.common.mongo import ping
from handlers.payment.api import json_body
from handlers.payment.models import Payment


async def health():
    await ping(Payment)
    return json_body({"status": "ok"})
