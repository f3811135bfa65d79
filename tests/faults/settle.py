"""Wait until the mesh has settled after a run: nothing of the run is still in motion.

Settled means: every booking of the run is finished (PENDING ones wait for their hold to lapse and
the recovery sweep), no outbox of the run's documents has an event pending, no seat is HELD past
its hold, and the notification worker's queues are empty (ready and unacknowledged). Polled once a
second up to ``deadline``; what is still in motion then is returned, and the invariants are checked
anyway.
"""

import asyncio
import time

from tests.faults import stored
from tests.faults.broker import queue_depths
from tests.faults.cluster import Cluster
from tests.faults.invariants import FINAL
from tests.faults.stored import Snapshot


def in_motion(snapshot: Snapshot, depths: dict[str, int]) -> list[str]:
    left = []
    unfinished = [b["status"] for b in snapshot.bookings if b["status"] not in FINAL]
    if unfinished:
        left.append(f"{len(unfinished)} bookings unfinished ({', '.join(sorted(set(unfinished)))})")
    if pending := snapshot.pending_events():
        left.append(f"{len(pending)} events pending in outboxes")
    lapsed = [s for s in snapshot.seats if s["state"] == "HELD" and s["held_until"] <= snapshot.now]
    if lapsed:
        left.append(f"{len(lapsed)} seats HELD past their hold")
    backlog = {name: count for name, count in depths.items() if name.startswith("notification.") and count}
    if backlog:
        left.append(f"notification backlog {backlog}")
    return left


async def settle(
    cluster: Cluster, showtime_id: str, user_ids: list[str], deadline: float
) -> tuple[float, list[str], list[str]]:
    """Seconds it took to settle, what was still in motion at the deadline (empty: settled), and the
    trace of what was in motion, one line whenever it changed."""
    started = time.monotonic()
    trace: list[str] = []
    while True:
        try:
            snapshot = await stored.read(cluster.postgres_dsn, cluster.mongo_url, showtime_id, user_ids)
            left = in_motion(snapshot, await asyncio.to_thread(queue_depths))
        except Exception as exc:  # a store still coming back: look again
            left = [f"stores not readable: {type(exc).__name__}: {exc}"]
        elapsed = time.monotonic() - started
        line = "; ".join(left) or "settled"
        if not trace or not trace[-1].endswith(line):
            trace.append(f"+{elapsed:.0f}s {line}")
        if not left or elapsed > deadline:
            return elapsed, left, trace
        await asyncio.sleep(1.0)
