"""Exactly-once effect on top of at-least-once delivery: a Redis claim per event id.

``claim`` sets ``<prefix><event_id>`` to ``processing`` with ``SET NX`` and a short TTL;
``done`` turns it into ``done`` for a long TTL; ``release`` deletes it after a failure so a
redelivery can try again (a crashed worker's claim simply times out). Redis is the fast
path; the notification log's unique index is the backstop should Redis forget. While Redis
does not answer, every delivery is its own claim and that index alone keeps the effect once:
an outage of Redis never sends an event to the dead-letter queue.
"""

import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError

PROCESSING, DONE = "processing", "done"
logger = logging.getLogger(__name__)


class EventInFlight(Exception):
    """Another delivery of the same event is being processed right now."""


class EventDedupe:
    def __init__(self, redis: Redis, prefix: str, done_ttl: int, claim_ttl: int):
        self._redis = redis
        self._prefix = prefix
        self._done_ttl = done_ttl
        self._claim_ttl = claim_ttl

    def _key(self, event_id: str) -> str:
        return f"{self._prefix}{event_id}"

    async def claim(self, event_id: str) -> bool:
        """True when this delivery owns the event (or Redis cannot tell); False when it was handled."""
        try:
            if await self._redis.set(self._key(event_id), PROCESSING, nx=True, ex=self._claim_ttl):
                return True
            state = await self._redis.get(self._key(event_id))
        except RedisError as exc:
            logger.warning("dedupe unavailable (%s); event %s relies on the notification log", exc, event_id)
            return True
        if state in (DONE, DONE.encode()):
            return False
        raise EventInFlight(event_id)

    async def done(self, event_id: str) -> None:
        try:
            await self._redis.set(self._key(event_id), DONE, ex=self._done_ttl)
        except RedisError as exc:
            logger.warning("dedupe unavailable (%s); event %s not marked done", exc, event_id)

    async def release(self, event_id: str) -> None:
        try:
            await self._redis.delete(self._key(event_id))
        except RedisError as exc:  # its claim lapses with its TTL
            logger.warning("dedupe unavailable (%s); claim of event %s left to expire", exc, event_id)
