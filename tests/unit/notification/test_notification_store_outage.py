"""A store outage delays a notification, never loses it. Found by the fault suite: a Redis restart
(tests/faults/test_stores.py::test_redis_restarted_empty) dead-lettered 45 events, a PostgreSQL
crash (::test_postgres_crashed_and_restarted_under_load: FerretDB's backend gone) one more."""

from types import SimpleNamespace

import pytest
from faststream.exceptions import NackMessage, RejectMessage
from pymongo.errors import OperationFailure
from redis.exceptions import ConnectionError as RedisConnectionError

from handlers.notification.dedupe import EventDedupe
from handlers.notification.subscribers import Worker

pytestmark = pytest.mark.unit
EVENT = SimpleNamespace(event_id="e-1", type="booking.confirmed", data=None)


class DownRedis:
    async def set(self, *args, **kwargs):
        raise RedisConnectionError("Connection refused")

    get = delete = set


class FailingService:
    def __init__(self, error: Exception):
        self.error, self.calls = error, 0

    async def handle(self, event_id, event_type, data):
        self.calls += 1
        raise self.error


async def test_an_unreachable_redis_lets_every_delivery_through_to_the_log():
    dedupe = EventDedupe(DownRedis(), "n:", done_ttl=60, claim_ttl=5)  # type: ignore[arg-type]
    assert await dedupe.claim("e-1") is True
    assert await dedupe.claim("e-1") is True  # the log's unique (event_id, channel) index decides
    await dedupe.done("e-1")
    await dedupe.release("e-1")


async def test_a_store_that_cannot_serve_requeues_the_event_instead_of_dead_lettering_it():
    backend_down = OperationFailure("failed to connect to `user=ferretdb`", 1, {"codeName": "InternalError"})
    service = FailingService(backend_down)
    worker = Worker(service, max_attempts=3, backoff_seconds=0, outage_pause_seconds=0)  # type: ignore[arg-type]
    with pytest.raises(NackMessage) as nack:
        await worker.deliver(EVENT)  # type: ignore[arg-type]
    assert nack.value.extra_options == {"requeue": True}
    assert service.calls == 1


async def test_a_failing_handler_is_still_dead_lettered_after_its_retries():
    service = FailingService(RuntimeError("a bug"))
    worker = Worker(service, max_attempts=3, backoff_seconds=0)  # type: ignore[arg-type]
    with pytest.raises(RejectMessage):
        await worker.deliver(EVENT)  # type: ignore[arg-type]
    assert service.calls == 3
