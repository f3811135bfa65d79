"""Premiere rush (issue 11): users book in a closed loop through the gateway, beside the same loop
straight at the services, on the mesh ``python -m bench`` starts for it (bench/_mesh.py).

Each user registers and logs in once (straight at the user service: see ``setup``), then, until the
window closes: seat map (``GET /showtimes/{id}/seats``), ``createBooking`` of two free seats,
``confirmBooking`` with ``tok_visa_success``. Figures for 1, 10, 50 and 200 users: confirmed
bookings/s, p50/p95/p99 of each step and of the whole booking, errors by kind, CPU per process.
Baselines from the same run: the same loop at the cinema and booking services directly (no gateway),
and one user alone. Then the contention run: 500 attempts on 10 seats of one showtime.
"""

import asyncio
from dataclasses import dataclass, field

import httpx

from bench.rush import report
from bench.rush.loop import Samples, Target, addresses, closed_loop, user_client
from bench.rush.race import RaceResult, race
from bench.rush.setup import SeatSupply, sign_up
from mesh.processes import GATEWAY_URL, by_name

NEEDS_MESH = True
MARKDOWN = True
USERS = (10, 50, 200)
SECONDS = 15.0
WARM_UP = 3.0
RACE_ATTEMPTS = 500


@dataclass
class Rush:
    loops: list[tuple[int, str, Samples, float]] = field(default_factory=list)
    cpu: list[tuple[str, dict[str, float]]] = field(default_factory=list)
    races: list[tuple[str, RaceResult]] = field(default_factory=list)

    def loop(self, users: int, path: str) -> Samples:
        return next(s for n, p, s, _ in self.loops if (n, p) == (users, path))

    def markdown(self) -> str:
        lines = ["### Closed loop: seat map + createBooking + confirmBooking", ""]
        lines += [*report.loop_table(self.loops), "", "CPU per process during each measured window:", ""]
        lines += report.cpu_table(self.cpu)
        if self.races:
            lines += ["", f"### Contention: {self.races[0][1].attempts} attempts on 10 seats", ""]
            lines += report.race_table(self.races)
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
        for path, result in self.races:
            p99 = report.percentile(result.hold_ms, 0.99)
            exact = result.winners == 10 and len(result.sold) == 10
            lines.append(
                f"- {result.attempts} clients racing for 10 seats ({path}): **{result.winners} winners**, "
                f"createBooking p99 **{p99:.0f} ms** ({'met' if exact and p99 < 250 else 'missed'})"
            )
        return lines


async def rush(
    user_counts=USERS, seconds=SECONDS, warm_up=WARM_UP, race_attempts=RACE_ATTEMPTS, gateway_url=GATEWAY_URL
) -> Rush:
    gateway = Target("gateway", gateway_url, f"{gateway_url}/graphql")
    direct = Target("direct", by_name("cinema").url, f"{by_name('booking').url}/graphql")
    users = await sign_up(max(user_counts))
    # One client per user, with its own source address, for every run (made once: see closed_loop).
    clients = [user_client(user, address) for user, address in zip(users, addresses(len(users)), strict=True)]
    result = Rush()
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
        finally:
            await asyncio.gather(*(client.aclose() for client in clients))
    return result


async def main() -> None:
    print((await rush()).markdown(), flush=True)
