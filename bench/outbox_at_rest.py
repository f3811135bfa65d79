"""The outbox relay at rest, with 0 and 100,000 stored bookings (MongoDB-wire databases
``outbox_bench_empty`` and ``outbox_bench``, RabbitMQ vhost ``outbox_bench``; never the dev ones).

For each store size:
1. baseline: the old relay's query, ``outbox_pending.0 $exists`` over the whole collection, polled
   every 0.2 s: ms per pass, and the CPU of FerretDB (and of its PostgreSQL backends) over the window;
2. the relay (``handlers.common.outbox_relay``, default settings): ms per idle pass (the outbox
   queue's due rows), the rebuild query it runs at start and hourly (``outbox_waiting``), and the
   CPU over the same window with the relay running.
A window with nothing running comes first: the noise floor of this machine at that moment. "busy"
is the pass time over the poll cycle, which other processes' load does not blur.

    python -m bench outbox_at_rest            # 100,000 documents, 30 s windows
    OUTBOX_BENCH_DOCS=20000 OUTBOX_BENCH_WINDOW=10 python -m bench outbox_at_rest

The 100,000 bookings (all published, booking-shaped, about 1.3 kB each) are seeded once with
``insert_many`` and kept for the next run.
"""

import asyncio
import contextlib
import os
import subprocess
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import psutil
from beanie import Document
from faststream.rabbit import RabbitBroker

from handlers.common.mongo import connect_beanie
from handlers.common.outbox import OutboxMixin
from handlers.common.outbox_relay import OutboxRelay
from handlers.common.settings import ServiceSettings

DOCS = int(os.environ.get("OUTBOX_BENCH_DOCS", "100000"))
WINDOW = float(os.environ.get("OUTBOX_BENCH_WINDOW", "30"))
OLD_QUERY = {"outbox_pending.0": {"$exists": True}}
VHOST = "outbox_bench"


class BenchBooking(OutboxMixin, Document):
    user_id: str

    class Settings:
        name = "bookings"


def booking(index: int) -> dict:
    at, event_id = datetime.now(UTC), str(uuid.uuid4())
    data = {"booking_id": f"b-{index}", "user_id": "u", "showtime_id": "1", "seat_ids": ["A-1", "A-2"]}
    return {
        "_id": str(uuid.uuid4()),
        "user_id": f"user-{index % 500}",
        "idempotency_key": uuid.uuid4().hex,
        "showtime_id": str(index % 300),
        "seat_ids": ["A-1", "A-2"],
        "status": "CONFIRMED",
        "amount": 2400,
        "currency": "EUR",
        "created_at": at,
        "updated_at": at,
        "history": [{"status": s, "at": at, "detail": None} for s in ("PENDING", "CONFIRMING", "CONFIRMED")],
        "outbox": [
            {"event_id": event_id, "type": "booking.created", "occurred_at": at, "version": 1, "data": data}
        ],
        "outbox_pending": [],
        "outbox_waiting": False,
    }


async def seed(count: int) -> None:
    collection = BenchBooking.get_pymongo_collection()
    stored = await collection.count_documents({})
    started = time.perf_counter()
    for start in range(stored, count, 1000):
        await collection.insert_many(
            [booking(i) for i in range(start, min(count, start + 1000))], ordered=False
        )
    if stored < count:
        print(f"  seeded {count - stored} bookings in {time.perf_counter() - started:.1f} s")


def database_processes() -> list[psutil.Process]:
    """FerretDB and the PostgreSQL backends serving its database."""
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if "ferretdb" in (process.info["name"] or "") or cmdline.startswith("postgres: 15/main: ferretdb"):
            found.append(process)
    return found


def cpu_seconds(processes: list[psutil.Process]) -> dict[int, float]:
    seconds = {}
    for process in processes:
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            seconds[process.pid] = times.user + times.system
    return seconds


async def cpu_percent(
    window: float, running: Callable[[asyncio.Event], Awaitable[None]] | None = None
) -> tuple[float, float]:
    """(FerretDB %, its PostgreSQL backends %) of one core over ``window`` seconds while ``running``
    (stopped by the event it is given, then awaited: a query in flight is not left to FerretDB)."""
    stop = asyncio.Event()
    task = asyncio.create_task(running(stop)) if running else None
    await asyncio.sleep(1.0)  # let it start (a first connection, a start-up rebuild)
    before = cpu_seconds(database_processes())
    await asyncio.sleep(window)
    processes = database_processes()
    after = cpu_seconds(processes)
    stop.set()
    if task:
        await task
    used = {pid: after[pid] - before.get(pid, 0.0) for pid in after}
    ferret = sum(used[p.pid] for p in processes if p.pid in used and "ferretdb" in p.name())
    return 100 * ferret / window, 100 * (sum(used.values()) - ferret) / window


async def timed_ms(action: Callable[[], Awaitable[object]], repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        await action()
    return 1000 * (time.perf_counter() - started) / repeat


async def old_relay(stop: asyncio.Event) -> None:
    collection = BenchBooking.get_pymongo_collection()
    while not stop.is_set():
        await collection.find(OLD_QUERY).to_list()
        await asyncio.sleep(0.2)


def running_relay(relay: OutboxRelay) -> Callable[[asyncio.Event], Awaitable[None]]:
    async def run(stop: asyncio.Event) -> None:
        task = asyncio.create_task(relay.run_forever())
        await stop.wait()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return run


def amqp_url() -> str:
    for command in (["add_vhost", VHOST], ["set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*"]):
        subprocess.run(["rabbitmqctl", *command], capture_output=True, check=False)
    return ServiceSettings().amqp_url.rstrip("/") + f"/{VHOST}"


def busy(pass_ms: float, interval: float) -> float:
    """The share of time the database spends answering the relay's passes (pass time over the
    cycle): an upper bound of its cost that other load on the machine does not blur."""
    return 100 * pass_ms / (pass_ms + 1000 * interval)


async def measure(database: str, count: int) -> None:
    client = await connect_beanie(ServiceSettings(), database, [BenchBooking])
    await seed(count)
    collection = BenchBooking.get_pymongo_collection()
    print(f"- {await collection.count_documents({})} stored bookings ({database})")
    floor = await cpu_percent(WINDOW)
    broker = RabbitBroker(amqp_url(), logger=None)
    relay = OutboxRelay(broker, [BenchBooking])
    try:
        await relay.connect()
        rebuild = await timed_ms(relay.rebuild, 3)
        new_pass = await timed_ms(relay.run_once, 20)
        new_cpu = await cpu_percent(WINDOW, running_relay(relay))
    finally:
        await broker.stop()
    old_pass = await timed_ms(lambda: collection.find(OLD_QUERY).to_list(), 1 if count else 20)
    old_cpu = await cpu_percent(WINDOW, old_relay)
    await client.close()
    print(
        f"  nothing running      :      (noise floor)            FerretDB {floor[0]:5.1f} %"
        f" + PostgreSQL {floor[1]:5.1f} % of a core over {WINDOW:.0f} s"
    )
    print(
        f"  old query  (baseline): {old_pass:9.1f} ms/pass, every 0.2 s: FerretDB {old_cpu[0]:5.1f} %"
        f" + PostgreSQL {old_cpu[1]:5.1f} % of a core over {WINDOW:.0f} s; busy {busy(old_pass, 0.2):5.1f} %"
    )
    print(
        f"  outbox queue (new)   : {new_pass:9.1f} ms/pass, every 5 s   : FerretDB {new_cpu[0]:5.1f} %"
        f" + PostgreSQL {new_cpu[1]:5.1f} % of a core over {WINDOW:.0f} s; busy {busy(new_pass, 5.0):5.1f} %"
    )
    print(f"  rebuild (start, then hourly): {rebuild:.1f} ms")


async def main() -> None:
    print(f"outbox relay at rest (FerretDB on PostgreSQL; windows of {WINDOW:.0f} s)")
    await measure("outbox_bench_empty", 0)
    await measure("outbox_bench", DOCS)
