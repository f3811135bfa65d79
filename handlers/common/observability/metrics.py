"""Every Prometheus metric CineMesh exposes, in one catalogue (``/metrics`` on each service's own port).

RED per route or operation and per gRPC method, pools, the event backbone, and the business signals
(the booking funnel, live holds, seats sold, payments by outcome). Each process exposes the ones it
moves; Prometheus adds ``job`` (the service) and ``instance``. Gauges that describe a store (outbox
backlog, live holds, queue depth) are read when scraped, by the refreshers registered with
``on_scrape``.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram, generate_latest

logger = logging.getLogger(__name__)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Histogram(
    "cinemesh_http_request_duration_seconds",
    "HTTP requests served, by route (OpenAPI operation id, route path or gateway route), method and status.",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS,
)
GRPC_SERVER = Histogram(
    "cinemesh_grpc_server_handling_seconds",
    "gRPC calls served, by full method name and status code.",
    ["method", "code"],
    buckets=LATENCY_BUCKETS,
)
GRPC_CLIENT = Histogram(
    "cinemesh_grpc_client_handling_seconds",
    "gRPC calls made, by full method name and status code.",
    ["method", "code"],
    buckets=LATENCY_BUCKETS,
)
DB_POOL_IN_USE = Gauge(
    "cinemesh_db_pool_connections_in_use", "Database pool connections checked out, by store.", ["store"]
)
DB_POOL_SIZE = Gauge("cinemesh_db_pool_connections", "Database pool connections open, by store.", ["store"])

BOOKINGS = Counter(
    "cinemesh_bookings_total",
    "Bookings entering a status: PENDING (created), CONFIRMING, then a final one (CONFIRMED,"
    " PAYMENT_FAILED, EXPIRED, CANCELLED).",
    ["status"],
)
HOLDS_LIVE = Gauge("cinemesh_seat_holds_live", "Seats held by a hold that has not expired.")
SEATS_SOLD = Counter("cinemesh_seats_sold_total", "Seats sold (a hold confirmed for a booking).")
PAYMENTS = Counter(
    "cinemesh_payments_total", "Charges processed, by outcome (succeeded, failed).", ["outcome"]
)

EVENTS_PUBLISHED = Counter(
    "cinemesh_events_published_total", "Events the outbox relay published, confirmed by RabbitMQ.", ["type"]
)
OUTBOX_BACKLOG = Gauge(
    "cinemesh_outbox_backlog", "Documents with events waiting to be published.", ["database"]
)
OUTBOX_OLDEST_AGE = Gauge(
    "cinemesh_outbox_oldest_pending_age_seconds",
    "How long the oldest document with pending events has waited (0: none waits).",
    ["database"],
)
OUTBOX_FAILED = Gauge("cinemesh_outbox_failed", "Documents whose events the relay gave up on.", ["database"])
EVENTS_CONSUMED = Counter(
    "cinemesh_events_consumed_total",
    "Events a consumer handled, by type and outcome (ok, retried, dead_lettered).",
    ["type", "outcome"],
)
EVENTS_DEAD_LETTERED = Counter(
    "cinemesh_events_dead_lettered_total", "Messages a consumer rejected to the dead-letter queue.", ["type"]
)
QUEUE_DEPTH = Gauge(
    "cinemesh_consumer_queue_messages", "Messages ready in a consumer's queue (consumer lag).", ["queue"]
)

Refresher = Callable[[], Awaitable[object]]
_refreshers: dict[str, Refresher] = {}


def on_scrape(name: str, refresh: Refresher) -> None:
    """Run ``refresh`` (it sets gauges from a store) before each scrape; a later one of a name replaces it."""
    _refreshers[name] = refresh


def forget(name: str) -> None:
    _refreshers.pop(name, None)


async def exposition(limit_seconds: float = 2.0) -> tuple[bytes, str]:
    """The text format of every metric, after the refreshers ran (one that fails or hangs is skipped)."""
    for name, refresh in list(_refreshers.items()):
        try:
            await asyncio.wait_for(refresh(), limit_seconds)
        except Exception as exc:
            logger.warning("metrics refresher %s failed: %s", name, exc)
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
