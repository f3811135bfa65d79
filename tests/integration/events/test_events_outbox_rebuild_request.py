"""A writer whose queue row failed after its document's write asks the running relay for a rebuild:
the event is published on the relay's next pass, not at the hourly rebuild. Found by the fault suite
(tests/faults/test_stores.py::test_ferretdb_restarted_under_load, run 2)."""

import asyncio

import pytest

from handlers.common import outbox_queue
from handlers.common.outbox_relay import OutboxOptions, running_outbox_relay

from .test_events_outbox_relay import created, drain

pytestmark = pytest.mark.integration
HOURLY = OutboxOptions(sweep_seconds=0.05, max_backoff_seconds=1.0, rebuild_seconds=3600)


async def test_a_requested_rebuild_publishes_an_event_left_without_its_row(amqp_url, orders, tap):
    async with running_outbox_relay(amqp_url, [orders], HOURLY):
        await asyncio.sleep(0.5)  # past the relay's rebuild at start
        order = orders(name="row-lost")
        event = order.record_event("booking.created", created("row-lost", 0))
        await orders.get_pymongo_collection().insert_one(order.model_dump(by_alias=True))  # no row
        assert await drain(tap, 1, within=1.0) == []
        outbox_queue.request_rebuild()
        assert [m.message_id for m in await drain(tap, 1, within=10.0)] == [event.event_id]
