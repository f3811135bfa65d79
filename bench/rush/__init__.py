"""Premiere rush (issue 11): users book in a closed loop through the gateway, beside the same loop
straight at the services, on the mesh ``python -m bench`` starts for it (bench/_mesh.py).

Each user registers and logs in once (straight at the user service: see ``setup``), then, until the
window closes: seat map (``GET /showtimes/{id}/seats``), ``createBooking`` of two free seats,
``confirmBooking`` with ``tok_visa_success``. Figures for 1, 10, 50 and 200 users: confirmed
bookings/s, p50/p95/p99 of each step and of the whole booking, errors by kind, CPU per process.
Baselines from the same run: the same loop at the cinema and booking services directly (no gateway),
and one user alone. Then the contention run: 500 attempts on 10 seats of one showtime. Last, the
flat-cost run: the stores grown to ``HISTORY`` finished bookings (``history``), the whole mesh's CPU
at rest measured beside its figure on the store as it was at the start, and the 50-user loop through
the gateway again, beside its figure on the smaller store. "At rest" starts once the mesh has no
deferred work left (``settled``): the events of the runs before it all published and consumed; an
earlier run measured the notification worker still draining them.
"""

import asyncio
import subprocess
import time
from dataclasses import dataclass, field

import httpx
from pymongo import AsyncMongoClient

from bench._mesh import MONGO_DBS
from bench.rush import cpu, history, report
from bench.rush.loop import Samples, Target, addresses, closed_loop, user_client
from bench.rush.race import RaceResult, race
from bench.rush.setup import SeatSupply, sign_up
from handlers.common.outbox_queue import QUEUE
from handlers.common.settings import ServiceSettings
from mesh.processes import GATEWAY_URL, by_name

NEEDS_MESH = True
MARKDOWN = True
USERS = (10, 50, 200)
SECONDS = 15.0
WARM_UP = 3.0
RACE_ATTEMPTS = 500
HISTORY = 100_000
IDLE_SECONDS = 30.0


@dataclass
class Rush:
    loops: list[tuple[int, str, Samples, float]] = field(default_factory=list)
    cpu: list[tuple[str, dict[str, float]]] = field(default_factory=list)
    races: list[tuple[str, RaceResult]] = field(default_factory=list)
    idle: list[tuple[str, dict[str, float]]] = field(default_factory=list)  # (store, CPU at rest)
    settling: list[float] = field(default_factory=list)  # seconds waited for each at-rest window

    def loop(self, users: int, path: str) -> Samples:
        return next(s for n, p, s, _ in self.loops if (n, p) == (users, path))

    def markdown(self) -> str:
        lines = ["### Closed loop: seat map + createBooking + confirmBooking", ""]
        lines += [*report.loop_table(self.loops), "", "CPU per process during each measured window:", ""]
        lines += report.cpu_table(self.cpu)
        if self.races:
            lines += ["", f"### Contention: {self.races[0][1].attempts} attempts on 10 seats", ""]
            lines += report.race_table(self.races)
        if self.idle:
            lines += ["", f"### At rest, {IDLE_SECONDS:.0f} s without traffic", ""]
            waits = " and ".join(f"{seconds:.0f} s" for seconds in self.settling)
            lines += [f"Each window once nothing was left to publish or consume (waited {waits}).", ""]
            lines += report.cpu_table(self.idle)
        return "\n".join([*lines, "", *self.goals()])

    def goals(self) -> list[str]:
        lines = ["### Against the goals of issue 11", ""]
        paths = {(n, p) for n, p, _, _ in self.loops}
        if {(50, "gateway"), (50, "direct")} <= paths:
            at50, seconds = self.loop(50, "gateway"), next(s for n, p, _, s in self.loops if n == 50)
            rate = at50.confirmed / seconds
            p99 = report.percentile(at50.latencies.get("whole booking", []), 0.99)
            direct = self.loop(50, "direct").confirmed / seconds
            lines.append(
                f"- >= 100 confirmed bookings/s at 50 users through the gateway: **{rate:.1f}/s** "
                f"({'met' if rate >= 100 else 'missed'}; straight at the services: {direct:.1f}/s)"
            )
            lines.append(
                f"- whole-booking p99 < 1 s at 50 users: **{p99:.0f} ms** "
                f"({'met' if p99 < 1000 else 'missed'})"
            )
        if (200, "gateway") in paths:
            other = report.other_errors(self.loop(200, "gateway"))
            lines.append(
                f"- at 200 users no error other than seats taken: **{other}** other errors "
                f"({'met' if other == 0 else 'missed'})"
            )
        if len(self.idle) == 2:
            (_, empty), (stored, full) = self.idle
            at_rest = sum(full.values()) - full.get("load generator", 0.0)
            baseline = sum(empty.values()) - empty.get("load generator", 0.0)
            lines.append(
                f"- idle CPU of the whole mesh < 5 % of a core with {stored}: **{at_rest:.1f} %** "
                f"({'met' if at_rest < 5 else 'missed'}; at the start of the run: {baseline:.1f} %)"
            )
        history_runs = [(n, p, s, sec) for n, p, s, sec in self.loops if p == "gateway, history"]
        if history_runs and (50, "gateway") in paths:
            rate = history_runs[0][2].confirmed / history_runs[0][3]
            empty_rate = self.loop(50, "gateway").confirmed / history_runs[0][3]
            drop = 100 * (1 - rate / empty_rate) if empty_rate else float("nan")
            lines.append(
                f"- 50 users with the history stored within 10 % of the smaller store: **{rate:.1f}/s** "
                f"against {empty_rate:.1f}/s, {-drop:+.0f} % ({'met' if drop <= 10 else 'missed'})"
            )
        for path, result in self.races:
            p99 = report.percentile(result.hold_ms, 0.99)
            exact = result.winners == 10 and len(result.sold) == 10
            lines.append(
                f"- {result.attempts} clients racing for 10 seats ({path}): **{result.winners} winners**, "
                f"createBooking p99 **{p99:.0f} ms** ({'met' if exact and p99 < 250 else 'missed'})"
            )
        return lines


def _messages_to_consume() -> int:
    """Messages in RabbitMQ queues that have a consumer (a dead-letter queue keeps its own)."""
    listed = subprocess.run(
        ["rabbitmqctl", "-q", "list_queues", "messages", "consumers"], capture_output=True, text=True
    )
    rows = [line.split() for line in listed.stdout.splitlines()]
    return sum(int(row[0]) for row in rows if len(row) == 2 and row[0].isdigit() and row[1] not in ("", "0"))


async def settled(patience: float = 600.0) -> float:
    """Waits (up to ``patience`` seconds) until no bench store's outbox queue has a document waiting
    to publish and no consumed RabbitMQ queue holds a message (the mesh has no deferred work left);
    the seconds it waited."""
    started = time.monotonic()
    client: AsyncMongoClient = AsyncMongoClient(ServiceSettings().mongo_url)
    queues = [client[database][QUEUE] for database in MONGO_DBS.values()]
    try:
        while time.monotonic() - started < patience:
            waiting = [await queue.count_documents({"kind": "publish", "failed": False}) for queue in queues]
            if not any(waiting) and not await asyncio.to_thread(_messages_to_consume):
                break
            await asyncio.sleep(1.0)
    finally:
        await client.close()
    return time.monotonic() - started


async def at_rest(seconds: float) -> dict[str, float]:
    watched = cpu.processes()
    before, started = cpu.snapshot(watched), time.perf_counter()
    await asyncio.sleep(seconds)
    return cpu.usage(before, cpu.snapshot(watched), time.perf_counter() - started)


async def rush(
    user_counts=USERS,
    seconds=SECONDS,
    warm_up=WARM_UP,
    race_attempts=RACE_ATTEMPTS,
    gateway_url=GATEWAY_URL,
    history_size=HISTORY,
) -> Rush:
    gateway = Target("gateway", gateway_url, f"{gateway_url}/graphql")
    direct = Target("direct", by_name("cinema").url, f"{by_name('booking').url}/graphql")
    users = await sign_up(max(user_counts))
    # One client per user, with its own source address, for every run (made once: see closed_loop).
    clients = [user_client(user, address) for user, address in zip(users, addresses(len(users)), strict=True)]
    result = Rush()
    if history_size:
        result.settling.append(await settled())
        result.idle.append(("the store at the start", await at_rest(IDLE_SECONDS)))
    async with httpx.AsyncClient(base_url=by_name("cinema").url, timeout=60) as cinema:
        supply = await SeatSupply.open(cinema)
        plan = [(1, gateway)] + [(n, target) for n in user_counts for target in (gateway, direct)]
        try:
            for count, target in plan:
                samples, used = await closed_loop(clients[:count], target, supply, seconds, warm_up)
                result.loops.append((count, target.name, samples, seconds))
                result.cpu.append((f"{count} users, {target.name}", used))
            if race_attempts:
                for target in (gateway, direct):
                    result.races.append((target.name, await race(clients, target, supply, race_attempts)))
            if history_size and 50 in user_counts:
                await history.seed(history_size)
                result.settling.append(await settled())
                result.idle.append((f"{history_size:,} bookings stored", await at_rest(IDLE_SECONDS)))
                samples, used = await closed_loop(clients[:50], gateway, supply, seconds, warm_up)
                result.loops.append((50, "gateway, history", samples, seconds))
                result.cpu.append((f"50 users, gateway, {history_size:,} bookings stored", used))
        finally:
            await asyncio.gather(*(client.aclose() for client in clients))
    return result


async def main() -> None:
    print((await rush()).markdown(), flush=True)
