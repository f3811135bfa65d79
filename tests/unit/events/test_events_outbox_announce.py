"""A queue row that cannot be written after its document was (the database went away in between) asks
the relays of this process for a rebuild on their next pass. Found by the fault suite
(tests/faults/test_stores.py::test_ferretdb_restarted_under_load, run 2): a payment.refunded event
waited in its document without a row, to be found only by the hourly rebuild."""

import pytest
from pymongo.errors import AutoReconnect

from handlers.common import outbox_queue

pytestmark = pytest.mark.unit


class Unreachable:
    async def insert_one(self, row):
        raise AutoReconnect("connection closed")


class Collection:
    name = "refunds"
    database = {outbox_queue.QUEUE: Unreachable()}


async def test_a_row_that_cannot_be_written_asks_for_a_rebuild():
    wanted = outbox_queue.REBUILD.subscribe()
    try:
        with pytest.raises(AutoReconnect):
            await outbox_queue.announce(Collection(), "re_1")  # type: ignore[arg-type]
        assert wanted.is_set()
    finally:
        outbox_queue.REBUILD.unsubscribe(wanted)
