"""The outbox relay against real RabbitMQ and MongoDB-wire: confirms, restart, outage."""

import asyncio
import logging
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from faststream.rabbit import RabbitBroker

from generated.events.models import BookingCreatedData, Money
from handlers.common.outbox import OutboxEvent
from handlers.common.outbox_relay import OutboxOptions, OutboxRelay, running_outbox_relay

pytestmark = pytest.mark.integration
FAST = OutboxOptions(sweep_seconds=0.05, max_backoff_seconds=1.0)


async def rabbitmqctl(command: str) -> None:
    process = await asyncio.create_subprocess_exec(
        "rabbitmqctl", command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    assert await process.wait() == 0, f"rabbitmqctl {command} failed"


async def drain(queue, expected: int, within: float = 20.0) -> list:
    messages = []
    deadline = asyncio.get_running_loop().time() + within
    while len(messages) < expected and asyncio.get_running_loop().time() < deadline:
        message = await queue.get(fail=False, no_ack=True)
        if message is None:
            await asyncio.sleep(0.1)
        else:
            messages.append(message)
    return messages


def created(name: str, index: int) -> BookingCreatedData:
    total = Money(amount=1000 + index, currency="EUR")
    expires_at = datetime.now(UTC) + timedelta(minutes=10)
    return BookingCreatedData(
        booking_id=name, user_id="u-1", showtime_id="5", seat_ids=["A-1"], total=total, expires_at=expires_at
    )


async def make_order(orders, name: str, events: int = 1):
    order = orders(name=name)
    for index in range(events):
        order.record_event("booking.created", created(name, index))
    await order.insert()
    return order


async def test_relay_publishes_persistent_confirmed_messages_then_forgets_them(amqp_url, orders, tap):
    order = await make_order(orders, "one", events=2)
    broker = RabbitBroker(amqp_url, logger=None)
    relay = OutboxRelay(broker, [orders])
    try:
        assert await relay.run_once() == 2
        assert await relay.run_once() == 0
    finally:
        await broker.stop()
    messages = await drain(tap, 2)
    assert [m.message_id for m in messages] == [event.event_id for event in order.outbox]
    assert {m.routing_key for m in messages} == {"booking.created"}
    assert all(m.delivery_mode.value == 2 for m in messages)  # persistent
    assert (await orders.get(order.id)).outbox_pending == []


async def test_an_undeclared_event_is_never_published_and_blocks_nothing(amqp_url, orders, tap, caplog):
    """Written past ``record_event`` (which refuses it): the relay logs it as an error and drops it."""
    order = orders(name="with-a-defect")
    undeclared = OutboxEvent(
        event_id=str(uuid.uuid4()), type="booking.exploded", occurred_at=datetime.now(UTC), data={}
    )
    order.outbox.append(undeclared)
    order.outbox_pending.append(undeclared.event_id)
    declared = order.record_event("booking.created", created("with-a-defect", 0))
    await order.insert()
    broker = RabbitBroker(amqp_url, logger=None)
    relay = OutboxRelay(broker, [orders])
    try:
        with caplog.at_level(logging.ERROR, logger="handlers.common.outbox_relay"):
            published, deadline = 0, asyncio.get_running_loop().time() + 10
            while not published and asyncio.get_running_loop().time() < deadline:  # a pass may find
                published = await relay.run_once()  # the row's lease still held: the next one takes it
            assert published == 1
    finally:
        await broker.stop()
    messages = await drain(tap, 2, within=2.0)
    assert [(m.message_id, m.routing_key) for m in messages] == [(declared.event_id, "booking.created")]
    [refusal] = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert undeclared.event_id in refusal.getMessage() and "'booking.exploded' is not declared" in (
        refusal.getMessage()
    )
    stored = await orders.get(order.id)
    assert stored.outbox_pending == [] and [e.event_id for e in stored.outbox] == [
        undeclared.event_id,
        declared.event_id,
    ]


async def all_marked(orders, order_id, within: float = 20.0) -> bool:
    """Until the relay has marked every event of the order published (it marks after the confirm)."""
    deadline = asyncio.get_running_loop().time() + within
    while (await orders.get(order_id)).outbox_pending:
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def test_a_restarted_relay_publishes_what_was_left(amqp_url, orders, tap):
    first = await make_order(orders, "before-restart", events=3)
    async with running_outbox_relay(amqp_url, [orders], FAST):
        messages = await drain(tap, 3)
        # stopped only once it marked them: stopped between a confirm and its mark, it would rightly
        # publish that event again (at-least-once), which is not what this test is about
        assert await all_marked(orders, first.id)
    assert len(messages) == 3
    left = await make_order(orders, "while-down")  # no relay running: stays pending
    await asyncio.sleep(0.3)
    assert (await orders.get(left.id)).outbox_pending == [left.outbox[0].event_id]
    async with running_outbox_relay(amqp_url, [orders], FAST):
        messages = await drain(tap, 1)
    assert [m.message_id for m in messages] == [left.outbox[0].event_id]


@pytest.mark.slow
async def test_a_rabbitmq_outage_delays_events_and_loses_none(amqp_url, orders, tap, reopen_tap):
    async with running_outbox_relay(amqp_url, [orders], FAST):
        await make_order(orders, "warm-up")
        assert len(await drain(tap, 1)) == 1
        await rabbitmqctl("stop_app")
        try:
            written = [await make_order(orders, f"during-outage-{n}", events=2) for n in range(10)]
            await asyncio.sleep(1.0)
        finally:
            await rabbitmqctl("start_app")
        connection, queue = await reopen_tap()  # the durable tap kept its binding
        try:
            messages = await drain(queue, 20, within=40)
        finally:
            await connection.close()
        deadline = asyncio.get_running_loop().time() + 20  # the last marks follow the last confirms
        while await orders.find({"outbox_waiting": True}).count():
            assert asyncio.get_running_loop().time() < deadline, "events published but never marked"
            await asyncio.sleep(0.1)
    expected = {event.event_id for order in written for event in order.outbox}
    assert len(expected) == 20
    assert {m.message_id for m in messages} == expected
    assert await orders.find({"outbox_pending.0": {"$exists": True}}).count() == 0
