"""The notification worker against real RabbitMQ, Redis and MongoDB-wire."""

import asyncio
import json
import uuid
from datetime import UTC, datetime

import aio_pika
import httpx
import pytest
from redis.asyncio import Redis

from generated.events import models as ev
from handlers.notification.channels import SimulatedChannels
from handlers.notification.dedupe import EventDedupe
from handlers.notification.models import Contact, Notification
from handlers.notification.service import NotificationService

pytestmark = pytest.mark.integration


def envelope(event_type: str, data: dict) -> dict:
    return {
        "event_id": str(uuid.uuid4()),
        "type": event_type,
        "occurred_at": datetime.now(UTC).isoformat(),
        "version": 1,
        "data": data,
    }


async def publish(channel, event_type: str, body: dict | bytes) -> None:
    exchange = await channel.get_exchange("cinemesh.events")
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    message = aio_pika.Message(payload, content_type="application/json", delivery_mode=2)
    await exchange.publish(message, routing_key=event_type)


async def rows_for(event_id: str, expected: int, within: float = 10.0) -> list[Notification]:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        rows = await Notification.find({"event_id": event_id}).to_list()
        if len(rows) >= expected or asyncio.get_running_loop().time() > deadline:
            return rows
        await asyncio.sleep(0.1)


def registered(user_id: str, phone: str | None = "+491701234567") -> dict:
    data = {
        "user_id": user_id,
        "email": f"{user_id}@example.com",
        "full_name": "Ada Lovelace",
        "phone": phone,
    }
    return envelope("user.registered", data)


async def test_health_reports_broker_and_redis(worker_url):
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{worker_url}/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"rabbitmq": True, "redis": True}}


async def test_welcome_email_and_sms_are_sent_once_for_three_deliveries(worker_url, channel, settings):
    event = registered(f"u-{uuid.uuid4().hex[:8]}")
    for _ in range(3):
        await publish(channel, "user.registered", event)
    rows = await rows_for(event["event_id"], 2)
    await asyncio.sleep(1.0)  # give the duplicates every chance to be processed
    rows = await Notification.find({"event_id": event["event_id"]}).to_list()
    assert sorted(row.channel for row in rows) == ["email", "sms"]
    email = next(row for row in rows if row.channel == "email")
    assert email.recipient == event["data"]["email"] and "Ada Lovelace" in email.body
    assert (settings.outbox_dir / "email" / f"{event['event_id']}.txt").read_text().startswith("To: ")
    assert (await Contact.find_one({"user_id": event["data"]["user_id"]})).phone == "+491701234567"


async def test_booking_confirmed_goes_to_the_registered_contact(worker_url, channel):
    user_id = f"u-{uuid.uuid4().hex[:8]}"
    await publish(channel, "user.registered", welcome := registered(user_id, phone=None))
    await rows_for(welcome["event_id"], 1)
    data = {
        "booking_id": "b-1",
        "user_id": user_id,
        "showtime_id": "7",
        "seat_ids": ["A-1", "A-2"],
        "total": {"amount": 2400, "currency": "EUR"},
        "movie_title": "Seat A-7",
        "starts_at": "2026-12-01T19:30:00Z",
        "payment_id": "pay_1",
    }
    event = envelope("booking.confirmed", data)
    await publish(channel, "booking.confirmed", event)
    rows = await rows_for(event["event_id"], 1)
    assert [(row.channel, row.recipient) for row in rows] == [("email", f"{user_id}@example.com")]
    assert "Seat A-7" in rows[0].body and "24.00 EUR" in rows[0].body


async def test_poison_message_is_dead_lettered_and_does_not_block_the_queue(worker_url, channel):
    dlq = await channel.declare_queue("cinemesh.events.dlq", durable=True, passive=True)
    await dlq.purge()
    await publish(channel, "payment.failed", b"{not json")
    await publish(channel, "payment.failed", envelope("payment.failed", {"unexpected": True}))
    user_id = f"u-{uuid.uuid4().hex[:8]}"
    data = {"payment_id": "pay_2", "booking_id": "b-2", "user_id": user_id, "amount": 900, "currency": "EUR"}
    good = envelope("payment.failed", {**data, "reason": "card_declined"})
    await publish(channel, "payment.failed", good)
    assert [row.channel for row in await rows_for(good["event_id"], 1)] == ["email"]
    dead = []
    for _ in range(50):
        message = await dlq.get(fail=False, no_ack=True)
        if message is not None:
            dead.append(message)
        if len(dead) == 2:
            break
        await asyncio.sleep(0.1)
    assert len(dead) == 2
    assert dead[0].body == b"{not json"
    assert dead[0].headers["x-death"][0]["queue"] == "notification.payment.failed"


class SmsOutage(SimulatedChannels):
    """The SMS gateway fails the first time: after the email went out."""

    def __init__(self, outbox_dir):
        super().__init__(outbox_dir)
        self.failed = False

    async def send(self, event_id, event_type, user_id, message):
        if message.channel == "sms" and not self.failed:
            self.failed = True
            raise ConnectionError("sms gateway down")
        return await super().send(event_id, event_type, user_id, message)


async def test_a_failure_half_way_does_not_mark_the_event_done(worker_url, settings, tmp_path):
    redis = Redis.from_url(settings.redis_url)
    dedupe = EventDedupe(redis, f"half-way:{uuid.uuid4().hex}:", done_ttl=60, claim_ttl=60)
    service = NotificationService(dedupe, SmsOutage(tmp_path))
    event = registered(f"u-{uuid.uuid4().hex[:8]}")
    data = ev.UserRegisteredData(**event["data"])
    try:
        with pytest.raises(ConnectionError):
            await service.handle(event["event_id"], "user.registered", data)
        assert [row.channel for row in await rows_for(event["event_id"], 1, within=0)] == ["email"]
        assert await service.handle(event["event_id"], "user.registered", data) is True  # redelivery
        assert await service.handle(event["event_id"], "user.registered", data) is False  # now a duplicate
    finally:
        await redis.aclose()
    rows = await Notification.find({"event_id": event["event_id"]}).to_list()
    assert sorted(row.channel for row in rows) == ["email", "sms"]
