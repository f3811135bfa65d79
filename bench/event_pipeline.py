"""The event pipeline: from a state change to its notification logged (issue 11's goal: >= 1,000
events/s, p99 lag < 1 s).

A probe aggregate (``pipeline_bench.probes``, a document with the outbox of ``handlers.common.outbox``)
records one ``payment.failed`` event per write through the product's write path (``record_event``
then the insert: its outbox queue row and the wake-up of the relay); a relay
(``handlers.common.outbox_relay``, the services' default options) runs in this process as each service
runs its own; the bench mesh's notification worker consumes each event and logs its notification (one
e-mail: the user registered without a phone). Lag = the notification's ``sent_at`` minus the event's
``occurred_at`` (one machine, one clock).

- baseline: one event at a time, the next written once the previous one was logged: the pipeline's
  latency without load;
- the rush twice: with the relay working on one document at a time (as it did before it overlapped
  documents), then with its default ``concurrency``;
  ``PIPELINE_BENCH_RATE`` events/s offered for ``PIPELINE_BENCH_SECONDS`` s by writers that do
  not wait for the pipeline (an open loop, at most 64 writes in flight): events written/s,
  notifications logged/s from the first write to the last notification (those of the run's own user,
  within 2 minutes of the last write), lag p50/p95/p99, and the CPU of each process over the rush;
  each run then waits until the relay has published all its events, so the next starts on an empty
  queue;
- then ``PIPELINE_BENCH_WITHIN_REACH`` events/s (default 20)
  for 10 s: the lag when the pipeline keeps up.
"""

import asyncio
import os
import time
import uuid
from datetime import datetime

import jwt
from beanie import Document
from pymongo import AsyncMongoClient

from bench._mesh import MONGO_DBS
from bench.rush import cpu
from bench.rush.report import percentile, spread
from bench.rush.setup import sign_up
from generated.events.models import PaymentFailedData
from handlers.common.mongo import connect_beanie
from handlers.common.outbox import OutboxMixin
from handlers.common.outbox_queue import QUEUE
from handlers.common.outbox_relay import OutboxOptions, running_outbox_relay
from handlers.common.settings import ServiceSettings

NEEDS_MESH = True
RATE = float(os.environ.get("PIPELINE_BENCH_RATE", "1000"))
SECONDS = float(os.environ.get("PIPELINE_BENCH_SECONDS", "5"))
WITHIN_REACH = float(os.environ.get("PIPELINE_BENCH_WITHIN_REACH", "20"))  # events/s, below capacity
BASELINE_EVENTS = 20
IN_FLIGHT = 64
DATABASE = "pipeline_bench"


class Probe(OutboxMixin, Document):
    """A state change that emits one event, as a payment that failed does."""

    user_id: str

    class Settings:
        name = "probes"


async def state_change(user_id: str) -> tuple[str, datetime]:
    """One probe written with its ``payment.failed`` event; (event id, occurred_at)."""
    probe = Probe(user_id=user_id)
    payload = PaymentFailedData(
        payment_id=str(uuid.uuid4()),
        booking_id=str(uuid.uuid4()),
        user_id=user_id,
        amount=1000,
        currency="EUR",
        reason="card_declined",
    )
    event = probe.record_event("payment.failed", payload)
    await probe.insert()
    return event.event_id, event.occurred_at


class NotificationLog:
    def __init__(self, client: AsyncMongoClient):
        self._rows = client[MONGO_DBS["notification"]]["notifications"]
        self._contacts = client[MONGO_DBS["notification"]]["contacts"]

    async def sent(self, user_id: str) -> dict[str, datetime]:
        """event id -> sent_at of the user's logged notifications."""
        rows = self._rows.find({"user_id": user_id}, {"event_id": 1, "sent_at": 1})
        return {row["event_id"]: row["sent_at"] async for row in rows}

    async def wait_for(self, user_id: str, count: int, deadline: float) -> dict[str, datetime]:
        sent: dict[str, datetime] = {}
        while time.monotonic() < deadline:
            if len(sent := await self.sent(user_id)) >= count:
                break
            await asyncio.sleep(0.2)
        return sent

    async def contact_of(self, user_id: str, deadline: float) -> None:
        """Waits until the worker stored the user's contact (its ``user.registered`` event)."""
        while await self._contacts.count_documents({"user_id": user_id}) == 0:
            if time.monotonic() > deadline:
                raise RuntimeError(f"user {user_id}: no contact stored; is the notification worker up?")
            await asyncio.sleep(0.2)


async def new_user(log: NotificationLog) -> str:
    (user,) = await sign_up(1)
    user_id = jwt.decode(user.token, options={"verify_signature": False})["sub"]
    await log.contact_of(user_id, time.monotonic() + 30)
    return user_id


async def drained(deadline: float) -> int:
    """Waits until the relay published every probe event (the next run starts on an empty queue);
    how many documents were still waiting at ``deadline``."""
    queue = Probe.get_pymongo_collection().database[QUEUE]
    waiting = await queue.count_documents({"kind": "publish"})
    for _ in range(int(max(0.0, deadline - time.monotonic()) / 0.5)):
        if not waiting:
            break
        await asyncio.sleep(0.5)
        waiting = await queue.count_documents({"kind": "publish"})
    return waiting


def lags_ms(written: dict[str, datetime], sent: dict[str, datetime]) -> list[float]:
    return [
        1000 * (sent[event_id] - at).total_seconds() for event_id, at in written.items() if event_id in sent
    ]


def describe(lags: list[float], written: int) -> str:
    if not lags:
        return f"0 of {written} notified"
    return f"{len(lags)} of {written} notified, lag p50/p95/p99 {spread(lags)} ms"


async def baseline(log: NotificationLog) -> None:
    user_id = await new_user(log)
    written: dict[str, datetime] = {}
    for _ in range(BASELINE_EVENTS):
        event_id, at = await state_change(user_id)
        written[event_id] = at
        await log.wait_for(user_id, len(written), time.monotonic() + 30)
    lags = lags_ms(written, await log.sent(user_id))
    print(f"baseline, one event at a time : {describe(lags, len(written))}")


async def rush(
    log: NotificationLog, relay: str, rate: float = RATE, seconds: float = SECONDS
) -> tuple[float, float]:
    """Prints the run's figures; returns (notifications logged per second, p99 lag in ms)."""
    user_id = await new_user(log)
    written: dict[str, datetime] = {}
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def write() -> None:
        async with gate:
            event_id, at = await state_change(user_id)
            written[event_id] = at

    roots = cpu.processes()
    before, started = cpu.snapshot(roots), time.monotonic()
    writes = []
    for index in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, started + index / rate - time.monotonic()))
        writes.append(asyncio.create_task(write()))
    await asyncio.gather(*writes)
    wrote_for = time.monotonic() - started
    sent = await log.wait_for(user_id, len(written), time.monotonic() + 120)
    if left := await drained(time.monotonic() + 300):
        print(f"  ({left} probes still unpublished 7 minutes after the last write)")
    took = max(sent.values(), default=max(written.values())) - min(written.values())
    usage = cpu.usage(before, cpu.snapshot(roots), time.monotonic() - started)
    print(
        f"{relay}, {rate:.0f} events/s offered for {seconds:.0f} s: "
        f"{len(written) / wrote_for:.0f} events/s written, "
        f"{len(sent) / took.total_seconds():.0f} notifications/s logged (first write to last log)"
    )
    lags = lags_ms(written, sent)
    print(f"  {describe(lags, len(written))}")
    busiest = sorted(usage.items(), key=lambda item: -item[1])
    shares = ", ".join(f"{name} {pct:.0f}" for name, pct in busiest if pct >= 1)
    print(f"  CPU over the rush (% of one core): {shares}")
    return len(sent) / took.total_seconds(), percentile(lags, 0.99) if lags else float("inf")


async def main() -> None:
    settings = ServiceSettings()
    admin: AsyncMongoClient = AsyncMongoClient(settings.mongo_url)
    async with admin:
        await admin.drop_database(DATABASE)
    client = await connect_beanie(settings, DATABASE, [Probe])
    log = NotificationLog(client)
    try:
        async with running_outbox_relay(settings.amqp_url, [Probe], OutboxOptions(concurrency=1)):
            await baseline(log)
            await rush(log, "rush, relay on one document at a time (before)")
        options = OutboxOptions()
        async with running_outbox_relay(settings.amqp_url, [Probe], options):
            logged, p99 = await rush(log, f"rush, relay on {options.concurrency} documents at once")
            await rush(log, "within reach", WITHIN_REACH, 10)
        print(
            f"goal of issue 11: >= 1,000 events/s from state change to notification logged, p99 lag "
            f"< 1 s: {logged:.0f} events/s, p99 {p99:.0f} ms "
            f"({'met' if logged >= 1000 and p99 < 1000 else 'missed'})"
        )
    finally:
        await client.close()
