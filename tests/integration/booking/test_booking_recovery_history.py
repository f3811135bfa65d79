"""The recovery sweep finds the few unfinished bookings without reading the history: on FerretDB each
of its queries reaches PostgreSQL as an indexed lookup, never as a read of every booking ever stored
(which made each sweep, every 15 s at rest, cost more as bookings accumulated)."""

import uuid
from datetime import timedelta

import pytest

from handlers.booking.models import Booking, Status, now
from handlers.booking.recovery import unfinished_queries
from tests.integration.ferretdb_plans import find_plan

pytestmark = pytest.mark.integration
HISTORY = 3000


def finished_booking(index: int) -> dict:
    at = now()
    return {
        "_id": f"history-{uuid.uuid4()}",
        "user_id": f"history-user-{index % 50}",
        "idempotency_key": uuid.uuid4().hex,
        "status": str(Status.CONFIRMED),
        "updated_at": at,
        "outbox_pending": [],
    }


async def test_each_sweep_query_is_answered_from_an_index(booking_url):
    collection = Booking.get_pymongo_collection()
    await collection.insert_many([finished_booking(i) for i in range(HISTORY)])
    try:
        for query in unfinished_queries(now() - timedelta(seconds=30)):
            nodes = await find_plan(collection, query)
            assert any("Index" in node for node in nodes), (query, nodes)
    finally:
        await collection.delete_many({"_id": {"$regex": "^history-"}})
