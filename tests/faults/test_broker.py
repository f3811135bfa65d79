"""The event backbone under faults: the suite's RabbitMQ node stopped, the notification worker killed,
a poison message on the exchange. Users book as in ``test_service_kills`` (30 s, 500 seats)."""

import asyncio
import uuid

import pytest

from tests.faults.broker import publish_raw
from tests.faults.faults import Fault, kill_service, stop_infra
from tests.faults.run import run, under_fault

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.timeout(900)]


def _recorded_during(report) -> int:
    """Events the run's documents recorded while the fault lasted."""
    history, window = report.observed.history, report.observed.windows[0]
    opened, closed = history.at(window.start), history.at(window.healed)
    return sum(
        1
        for document in report.observed.snapshot.outbox_documents()
        for event in document.get("outbox") or []
        if opened <= event["occurred_at"] <= closed
    )


async def test_rabbitmq_stopped_for_10_seconds(cluster, broker, full, repeat):
    """Stops the suite's RabbitMQ node at +8 s for 10 s, then starts it. Checks all invariants: the
    events recorded meanwhile stay in their outboxes and reach the broker afterwards, each producing
    exactly one notification; clients see no error at all (the outbox decouples them)."""
    fault = stop_infra("rabbitmq", at=8, down_for=10, how="stopped (rabbitmqctl stop)")
    report = await run(cluster, under_fault(f"rabbitmq-stopped-{repeat}", fault, full, seed=31), broker)
    assert report.passed, report.render()
    assert _recorded_during(report) > 0, (
        "no event was recorded while the broker was down:\n" + report.render()
    )


@pytest.mark.faults_full_only
async def test_notification_worker_killed_behind_a_poison_message(cluster, broker, full, repeat):
    """Publishes a poison message (not a booking.confirmed event) at +8 s, then kills the notification
    worker at once and starts it 5 s later. Checks all invariants (every event exactly one notification,
    none lost with the worker) and that the poison message is in the dead-letter queue, holding up
    nothing behind it."""
    poison = f"poison-{repeat}-{uuid.uuid4().hex[:8]}"
    kill = kill_service(cluster, "notification", at=8, down_for=5)

    def poison_then_kill() -> None:
        body = b'{"event_id": "not-a-uuid", "type": "booking.confirmed", "data": {"seat_ids": 7}}'
        asyncio.run(publish_raw(cluster.amqp_url, "booking.confirmed", body, poison))
        kill.inject()

    fault = Fault(
        f"poison message, then {kill.description}", kill.at, kill.down_for, poison_then_kill, kill.heal
    )
    report = await run(cluster, under_fault(f"notification-killed-{repeat}", fault, full, seed=32), broker)
    assert report.passed, report.render()
    assert poison in broker.dead_letters, (
        f"the poison message is not in the dead-letter queue:\n{report.render()}"
    )
