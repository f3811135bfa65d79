"""What tracing costs (issue 14): the rush's closed loop (50 users through the gateway, seat map +
createBooking + confirmBooking) on a mesh with tracing off, the baseline, then on a fresh mesh with
every request traced (``CINEMESH_TRACING=on``, ratio 1, spans written as OTLP JSON lines), each on
stores emptied before it starts."""

import asyncio

from bench._mesh import STATE_DIR, owned_mesh
from bench.rush import SECONDS, WARM_UP, report
from bench.rush.loop import closed_loop, through_the_gateway

USERS = 50
MODES = {
    "tracing off (baseline)": {"CINEMESH_TRACING": "off"},
    "tracing on, every request": {
        "CINEMESH_TRACING": "on",
        "CINEMESH_TRACE_SAMPLE_RATIO": "1",
        "CINEMESH_TRACE_DIR": str(STATE_DIR / "traces"),
    },
}


async def one_run() -> tuple[float, list[float], float]:
    """(confirmed bookings/s, whole-booking latencies in ms, CPU of the whole mesh in % of a core)."""
    async with through_the_gateway(USERS) as (clients, gateway, supply):
        samples, used = await closed_loop(clients, gateway, supply, SECONDS, WARM_UP)
    cpu = sum(percent for name, percent in used.items() if name != "load generator")
    return samples.confirmed / SECONDS, samples.latencies.get("whole booking", []), cpu


def main() -> None:
    print(f"{USERS} users through the gateway, {SECONDS:.0f} s measured after {WARM_UP:.0f} s of warm-up")
    figures = {}
    for mode, settings in MODES.items():
        with owned_mesh(settings):
            figures[mode] = asyncio.run(one_run())
        rate, latencies, cpu = figures[mode]
        print(
            f"  {mode:26}: {rate:5.1f} confirmed bookings/s, whole booking p50/p95/p99 "
            f"{report.spread(latencies)} ms, mesh CPU {cpu:.0f} % of a core"
        )
    (base_rate, _, base_cpu), (rate, _, cpu) = figures.values()
    print(
        f"  overhead of tracing every request: throughput {100 * (rate / base_rate - 1):+.0f} %, "
        f"CPU per confirmed booking {100 * ((cpu / rate) / (base_cpu / base_rate) - 1):+.0f} %"
    )
