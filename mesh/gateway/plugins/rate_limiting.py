"""Kong's ``rate-limiting`` plugin: fixed windows per period, counters in Redis (or in memory).

The identifier is the consumer (``limit_by: consumer``), the credential, or the client IP (the
fallback when no consumer is known, as in Kong). Key: ``ratelimit:<route>:<service>:<id>:<window
start>:<period>``, expiring with its window. Headers: ``RateLimit-Limit/Remaining/Reset`` for the
most restrictive period, ``X-RateLimit-Limit-<Period>``/``-Remaining-<Period>``, and
``Retry-After`` on the 429. Months and years are fixed 30- and 365-day windows here.
"""

import logging
import math
import time
from collections.abc import Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.responses import Response

from mesh.gateway.plugins.base import Exchange, GatewayPlugin, kong_error

PERIOD_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "month": 2592000, "year": 31536000}
logger = logging.getLogger(__name__)


class LocalCounters:
    """The ``local`` policy: counters in this process only."""

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, float]] = {}

    async def incr(self, keys: list[tuple[str, int]]) -> list[int]:
        now, results = time.time(), []
        if len(self._counts) > 10_000:
            self._counts = {key: entry for key, entry in self._counts.items() if entry[1] > now}
        for key, ttl in keys:
            count, expires = self._counts.get(key, (0, now + ttl))
            if expires <= now:
                count, expires = 0, now + ttl
            self._counts[key] = (count + 1, expires)
            results.append(count + 1)
        return results


class RedisCounters:
    def __init__(self, redis: Redis):
        self._redis = redis

    async def incr(self, keys: list[tuple[str, int]]) -> list[int]:
        async with self._redis.pipeline(transaction=False) as pipe:
            for key, ttl in keys:
                pipe.incr(key)
                pipe.expire(key, ttl, nx=True)
            replies = await pipe.execute()
        return [int(count) for count in replies[::2]]


class RateLimitingPlugin(GatewayPlugin):
    priority = 910

    def __init__(self, config: dict, redis_for: Callable[[dict], Redis]):
        self.config = config
        self.limits = {p: int(config[p]) for p in PERIOD_SECONDS if config.get(p)}
        self.counters = (
            RedisCounters(redis_for(config["redis"])) if config["policy"] == "redis" else LocalCounters()
        )

    def _identifier(self, exchange: Exchange) -> str:
        limit_by = self.config["limit_by"]
        if limit_by == "consumer" and exchange.consumer:
            return exchange.consumer.id
        if limit_by == "credential" and exchange.credential:
            return exchange.credential.key
        return exchange.client_ip

    async def access(self, exchange: Exchange) -> Response | None:
        now = time.time()
        route, service = exchange.route, exchange.route.service
        ident = self._identifier(exchange)
        keys, resets = [], {}
        for period, seconds in PERIOD_SECONDS.items():
            if period in self.limits:
                start = math.floor(now / seconds) * seconds
                keys.append(
                    (
                        f"ratelimit:{route.name}:{service.name if service else ''}:{ident}:{start}:{period}",
                        seconds,
                    )
                )
                resets[period] = max(1, math.ceil(start + seconds - now))
        try:
            counts = await self.counters.incr(keys)
        except (RedisError, OSError) as exc:
            if self.config["fault_tolerant"]:
                logger.warning("rate-limiting counters unavailable, letting the request through: %s", exc)
                return None
            return kong_error(500, "An unexpected error occurred")
        usage = dict(zip([p for p in PERIOD_SECONDS if p in self.limits], counts, strict=True))
        remaining = {p: self.limits[p] - usage[p] for p in usage}
        tightest = min(remaining, key=lambda p: (remaining[p], -PERIOD_SECONDS[p]))
        headers = {}
        if not self.config["hide_client_headers"]:
            for period in remaining:
                headers[f"X-RateLimit-Limit-{period.capitalize()}"] = str(self.limits[period])
                headers[f"X-RateLimit-Remaining-{period.capitalize()}"] = str(max(0, remaining[period]))
            headers |= {
                "RateLimit-Limit": str(self.limits[tightest]),
                "RateLimit-Remaining": str(max(0, remaining[tightest])),
                "RateLimit-Reset": str(resets[tightest]),
            }
        if remaining[tightest] < 0:
            headers["Retry-After"] = str(resets[tightest])
            return kong_error(int(self.config["error_code"]), self.config["error_message"], headers)
        exchange.response_headers.update(headers)
        return None
