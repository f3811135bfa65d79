"""Dedupe claims and the subscribers' bounded retries, with in-memory stand-ins and TestRabbitBroker."""

import uuid
from datetime import UTC, datetime

import pytest
from faststream.rabbit import RabbitBroker, TestRabbitBroker

from handlers.common.events import EVENTS_EXCHANGE
from handlers.notification.dedupe import EventDedupe, EventInFlight
from handlers.notification.subscribers import WORKER, Worker, register_subscribers

pytestmark = pytest.mark.unit


class FakeRedis:
    def __init__(self):
        self.values: dict[str, str] = {}

    async def set(self, key, value, nx=False, ex=None):
        if nx and key in self.values:
            return None
        self.values[key] = value
        return True

    async def get(self, key):
        return self.values.get(key)

    async def delete(self, key):
        self.values.pop(key, None)


class FlakyService:
    """Fails ``failures`` times, then succeeds; records every call."""

    def __init__(self, failures: int = 0, error: Exception | None = None):
        self.failures, self.error, self.calls = failures, error or RuntimeError("mongo down"), []

    async def handle(self, event_id, event_type, data):
        self.calls.append((event_id, event_type, data))
        if len(self.calls) <= self.failures:
            raise self.error
        return True


def registered() -> dict:
    return {
        "event_id": str(uuid.uuid4()),
        "type": "user.registered",
        "occurred_at": datetime.now(UTC).isoformat(),
        "version": 1,
        "data": {"user_id": "u-1", "email": "a@b.c", "full_name": "Ada", "phone": None},
    }


async def test_claim_then_done_makes_later_deliveries_duplicates():
    dedupe = EventDedupe(FakeRedis(), "n:", done_ttl=60, claim_ttl=5)
    assert await dedupe.claim("e-1") is True
    with pytest.raises(EventInFlight):
        await dedupe.claim("e-1")
    await dedupe.done("e-1")
    assert await dedupe.claim("e-1") is False


async def test_a_released_claim_can_be_taken_again():
    dedupe = EventDedupe(FakeRedis(), "n:", done_ttl=60, claim_ttl=5)
    assert await dedupe.claim("e-2") is True
    await dedupe.release("e-2")
    assert await dedupe.claim("e-2") is True


async def deliver(service: FlakyService, body: dict | bytes) -> None:
    broker = RabbitBroker()
    register_subscribers(broker)
    broker.context.set_global(WORKER, Worker(service, max_attempts=3, backoff_seconds=0.001))
    async with TestRabbitBroker(broker) as test_broker:
        await test_broker.publish(body, exchange=EVENTS_EXCHANGE, routing_key="user.registered")


async def test_a_valid_event_reaches_the_service_typed():
    service = FlakyService()
    event = registered()
    await deliver(service, event)
    ((event_id, event_type, data),) = service.calls
    assert (event_id, event_type, data.full_name) == (event["event_id"], "user.registered", "Ada")


async def test_transient_failures_are_retried_with_backoff():
    service = FlakyService(failures=2)
    await deliver(service, registered())
    assert len(service.calls) == 3


async def test_retries_are_bounded_then_the_message_is_rejected():
    service = FlakyService(failures=10)
    await deliver(service, registered())
    assert len(service.calls) == 3  # then RejectMessage: RabbitMQ dead-letters it


async def test_a_message_that_is_not_the_event_never_reaches_the_service():
    service = FlakyService()
    with pytest.raises(Exception):  # noqa: B017  validation error: rejected, hence dead-lettered
        await deliver(service, {"type": "user.registered", "data": {}})
    assert service.calls == []
