"""The outbox relay against real RabbitMQ and MongoDB-wire: confirms, restart, outage."""

import asyncio

import pytest
from faststream.rabbit import RabbitBroker

from handlers.common.outbox_relay import OutboxRelay, running_outbox_relay

pytestmark = pytest.mark.integration


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


async def make_order(orders, name: str, events: int = 1):
    order = orders(name=name)
    for index in range(events):
        order.record_event("booking.created", {"order": name, "index": index})
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


async def test_a_restarted_relay_publishes_what_was_left(amqp_url, orders, tap):
    await make_order(orders, "before-restart", events=3)
    async with running_outbox_relay(amqp_url, [orders], poll_interval=0.05):
        messages = await drain(tap, 3)
    assert len(messages) == 3
    left = await make_order(orders, "while-down")  # no relay running: stays pending
    await asyncio.sleep(0.3)
    assert (await orders.get(left.id)).outbox_pending == [left.outbox[0].event_id]
    async with running_outbox_relay(amqp_url, [orders], poll_interval=0.05):
        messages = await drain(tap, 1)
    assert [m.message_id for m in messages] == [left.outbox[0].event_id]


@pytest.mark.slow
async def test_a_rabbitmq_outage_delays_events_and_loses_none(amqp_url, orders, tap, reopen_tap):
    async with running_outbox_relay(amqp_url, [orders], poll_interval=0.05):
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
    expected = {event.event_id for order in written for event in order.outbox}
    assert len(expected) == 20
    assert {m.message_id for m in messages} == expected
    assert await orders.find({"outbox_pending.0": {"$exists": True}}).count() == 0
