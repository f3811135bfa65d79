"""The stores under faults: the suite's PostgreSQL crashed, its FerretDB stopped, its Redis restarted
empty, each at +8 s for 5 s while users book (as in ``test_service_kills``: 30 s, 500 seats).

While a store is down the clients must get clear, retryable answers (problem+json 503, GraphQL
SERVICE_UNAVAILABLE on a 503, the gateway's 502 for a service that cannot answer at all; the seat
inventory's gRPC UNAVAILABLE reaches them as SERVICE_UNAVAILABLE), success afterwards, and nothing
stored may be corrupted: every invariant is checked over everything stored.
"""

import pytest

from tests.faults.faults import stop_infra
from tests.faults.run import run, under_fault

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.faults_full_only, pytest.mark.timeout(900)]


def _felt(report) -> int:
    window = report.observed.windows[0]
    return sum(
        1 for call in report.observed.history.errors() if window.start <= call.started <= window.healed
    )


async def test_postgres_crashed_and_restarted_under_load(cluster, broker, full, repeat):
    """Crashes PostgreSQL (``pg_ctl -m immediate``) at +8 s and starts it 5 s later. The seat inventory
    and FerretDB (which stores on it) both lose it. Checks all invariants; errors only while it is
    down, every one clear."""
    fault = stop_infra("postgres", at=8, down_for=5, how="crashed (pg_ctl stop -m immediate)")
    report = await run(cluster, under_fault(f"postgres-restarted-{repeat}", fault, full, seed=41), broker)
    assert report.passed, report.render()
    assert _felt(report) > 0, "the outage reached no request:\n" + report.render()


async def test_ferretdb_restarted_under_load(cluster, broker, full, repeat):
    """Stops FerretDB (the MongoDB of user, booking, payment and notification) at +8 s and starts it
    5 s later. Checks all invariants; errors only while it is down, every one clear."""
    fault = stop_infra("mongo", at=8, down_for=5, how="stopped")
    report = await run(cluster, under_fault(f"ferretdb-restarted-{repeat}", fault, full, seed=42), broker)
    assert report.passed, report.render()
    assert _felt(report) > 0, "the outage reached no request:\n" + report.render()


async def test_redis_restarted_empty(cluster, broker, full, repeat):
    """Stops Redis (rate-limit counters, notification dedupe; nothing saved) at +8 s and starts it
    empty 5 s later. Rate limiting lets requests through meanwhile (fault tolerant, as Kong's);
    the notification dedupe falls back on the notification log's unique index. Checks all
    invariants: no duplicate notification, none missing, and no client error at all."""
    fault = stop_infra("redis", at=8, down_for=5, how="stopped (its keys lost)")
    report = await run(cluster, under_fault(f"redis-restarted-{repeat}", fault, full, seed=43), broker)
    assert report.passed, report.render()
    assert report.counts()["errors"] == 0, report.render()
