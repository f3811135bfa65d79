"""Bookings made while RabbitMQ is stopped: every event arrives once it is back."""

import asyncio
import uuid

import aio_pika
import pytest

from handlers.booking.models import Booking
from handlers.notification.models import Notification

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CREATE = """mutation($s: ID!, $seats: [ID!]!, $k: String!) {
  createBooking(showtimeId: $s, seatIds: $seats, idempotencyKey: $k) { booking { id } error { code } } }"""
CONFIRM = """mutation($b: ID!) {
  confirmBooking(bookingId: $b, paymentToken: "tok_visa_success") { booking { status } error { code } } }"""


async def rabbitmqctl(command: str) -> None:
    process = await asyncio.create_subprocess_exec(
        "rabbitmqctl", command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    assert await process.wait() == 0, f"rabbitmqctl {command} failed"


async def open_tap(amqp_url: str):
    connection = await aio_pika.connect_robust(amqp_url)
    channel = await connection.channel()
    exchange = await channel.declare_exchange("cinemesh.events", aio_pika.ExchangeType.TOPIC, durable=True)
    queue = await channel.declare_queue("booking_test.tap", durable=True)
    await queue.bind(exchange, routing_key="booking.#")
    return connection, queue


async def test_events_written_during_an_outage_all_arrive(gql, make_showtime, amqp_url, user_id):
    connection, queue = await open_tap(amqp_url)
    await queue.purge()
    await connection.close()
    showtime = await make_showtime()
    booking_ids = []
    await rabbitmqctl("stop_app")
    try:
        for seat in ("A-1", "A-2", "A-3"):
            created = await gql(CREATE, s=showtime, seats=[seat], k=uuid.uuid4().hex)
            booking_id = created["data"]["createBooking"]["booking"]["id"]
            confirmed = await gql(CONFIRM, b=booking_id)
            assert confirmed["data"]["confirmBooking"]["booking"]["status"] == "CONFIRMED"
            booking_ids.append(booking_id)
        await asyncio.sleep(0.5)
        assert all([(await Booking.get(b)).outbox_pending for b in booking_ids])  # nothing could leave
    finally:
        await rabbitmqctl("start_app")
    restarted = asyncio.get_running_loop().time()

    expected = {event.event_id for b in booking_ids for event in (await Booking.get(b)).outbox}
    assert len(expected) == 6
    connection, queue = await open_tap(amqp_url)
    received = set()
    try:
        deadline = asyncio.get_running_loop().time() + 60
        while not expected <= received and asyncio.get_running_loop().time() < deadline:
            message = await queue.get(fail=False, no_ack=True)
            if message is None:
                await asyncio.sleep(0.2)
            else:
                received.add(message.message_id)
    finally:
        await connection.close()
    assert expected <= received  # (events of earlier tests may arrive too)
    delay = asyncio.get_running_loop().time() - restarted
    print(f"all {len(expected)} events arrived {delay:.1f}s after start_app")

    async def confirmations() -> int:
        query = {"event_type": "booking.confirmed", "user_id": user_id}
        return await Notification.find(query).count()

    for _ in range(300):
        if await confirmations() >= 3:
            break
        await asyncio.sleep(0.2)
    assert await confirmations() == 3
