"""Redis down: the dedupe degrades to the notification log's unique index instead of failing the
delivery (which would dead-letter the event after its retries: a notification lost). Found by the
fault suite (tests/faults/test_stores.py::test_redis_restarted_empty)."""

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from handlers.notification.dedupe import EventDedupe

pytestmark = pytest.mark.unit


class DownRedis:
    async def set(self, *args, **kwargs):
        raise RedisConnectionError("Connection refused")

    get = delete = set


async def test_an_unreachable_redis_lets_every_delivery_through_to_the_log():
    dedupe = EventDedupe(DownRedis(), "n:", done_ttl=60, claim_ttl=5)  # type: ignore[arg-type]
    assert await dedupe.claim("e-1") is True
    assert await dedupe.claim("e-1") is True  # the log's unique (event_id, channel) index decides
    await dedupe.done("e-1")
    await dedupe.release("e-1")
