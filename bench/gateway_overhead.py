"""Gateway overhead on a public read: the seat map of one showtime (``GET /showtimes/{id}/seats``).

1. Straight from the cinema service (:8102): the baseline.
2. Through the local gateway (:8000): route match, rate-limit counters in Redis, CORS,
   correlation id, pooled proxying, the same request and concurrency, in the same run.
Prints requests/s, p50 and p99 of each and the ratio gateway / direct.

Runs on the mesh ``python -m bench`` starts for it (``NEEDS_MESH``). The gateway client uses a
random loopback source address, so the per-IP rate limit of an earlier run never counts against
this one.
"""

import asyncio
import random
import statistics
import time

import httpx

from mesh.processes import GATEWAY_URL, by_name

NEEDS_MESH = True
REQUESTS = 1000  # per scenario; the gateway's limit on this route is 3000 per minute and address
CONCURRENCY = 16
WARM_UP = 50


async def measure(
    client: httpx.AsyncClient, path: str, requests: int = REQUESTS, warm_up: int = WARM_UP
) -> tuple[float, float, float]:
    """(requests per second, p50 ms, p99 ms) of ``requests`` GETs, CONCURRENCY at a time."""
    for _ in range(warm_up):
        (await client.get(path)).raise_for_status()
    latencies: list[float] = []
    remaining = iter(range(requests))

    async def worker() -> None:
        for _ in remaining:
            started = time.perf_counter()
            response = await client.get(path)
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path}: {response.status_code} {response.text[:200]}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return requests / elapsed, statistics.median(latencies), latencies[max(int(len(latencies) * 0.99) - 1, 0)]


async def main() -> None:
    source = f"127.{random.randint(1, 254)}.{random.randint(0, 254)}.{random.randint(1, 254)}"
    limits = httpx.Limits(max_connections=CONCURRENCY)
    direct = httpx.AsyncClient(base_url=by_name("cinema").url, limits=limits, timeout=30)
    gateway = httpx.AsyncClient(
        base_url=GATEWAY_URL,
        timeout=30,
        transport=httpx.AsyncHTTPTransport(local_address=source, limits=limits),
    )
    async with direct, gateway:
        showtime = (await direct.get("/showtimes", params={"limit": 1})).json()["items"][0]["id"]
        path = f"/showtimes/{showtime}/seats"
        baseline = await measure(direct, path)
        proxied = await measure(gateway, path)
    shape = f"({REQUESTS} requests, {CONCURRENCY} at once)"
    for name, (rate, p50, p99) in (("cinema directly", baseline), ("through the gateway", proxied)):
        print(f"GET {path} {name:<20}: {rate:7.1f} req/s, p50 {p50:6.1f} ms, p99 {p99:6.1f} ms {shape}")
    ratio = proxied[0] / baseline[0]
    print(f"gateway / direct throughput ratio : {ratio:.2f}")
    print(
        f"goals of issue 11: >= 500 req/s through the gateway: {proxied[0]:.0f} req/s "
        f"({'met' if proxied[0] >= 500 else 'missed'}); the gateway keeps >= 85 % of direct: "
        f"{100 * ratio:.0f} % ({'met' if ratio >= 0.85 else 'missed'})"
    )
