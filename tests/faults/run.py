"""One fault run: a fresh showtime, the workload through the gateway, the fault injected and healed
while it runs, the settle wait, then every invariant over everything stored, as a ``Report``."""

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from mesh.seed import DEMO_ADMIN
from tests.faults import stored
from tests.faults.broker import BrokerLog, drain
from tests.faults.cluster import Cluster
from tests.faults.faults import Fault
from tests.faults.invariants import Observed, Window, check
from tests.faults.report import Report
from tests.faults.settle import settle
from tests.faults.workload import Driver, Stage, Workload


@dataclass(frozen=True)
class Scenario:
    name: str
    workload: Workload
    fault: Fault | None = None
    seats: int = 40
    run_seconds: float | None = None  # a workload without a quota stops then (and not before
    after_heal: float = 15.0  # ``after_heal`` seconds of service after the fault healed)
    settle_deadline: float = 150.0


async def make_stage(cluster: Cluster, name: str, seats: int) -> Stage:
    """A hall of ``seats`` seats (rows of 20) in a cinema of its own, and one showtime in it, made by the
    demo admin through the gateway: the run's bookings are the only ones on those seats."""
    async with httpx.AsyncClient(base_url=cluster.gateway_url, timeout=30) as client:
        login = {"email": DEMO_ADMIN.email, "password": DEMO_ADMIN.password}
        token = (await client.post("/auth/token", json=login)).raise_for_status().json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"

        async def create(path: str, body: dict) -> int:
            return (await client.post(path, json=body)).raise_for_status().json()["id"]

        place = {"name": f"Faults {name}", "city": "Faults", "address": "Faults"}
        cinema_id = await create("/cinemas", place)
        rows = [
            {"label": chr(ord("A") + r), "seat_count": min(20, seats - 20 * r)}
            for r in range(-(-seats // 20))
        ]
        hall_id = await create("/halls", {"cinema_id": cinema_id, "name": f"Faults {name}", "rows": rows})
        movie_id = (
            (await client.get("/showtimes", params={"limit": 1}))
            .raise_for_status()
            .json()["items"][0]["movie_id"]
        )
        showtime = {
            "movie_id": movie_id,
            "hall_id": hall_id,
            "starts_at": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
            "base_price_minor": 1000,
            "currency": "EUR",
        }
        showtime_id = str(await create("/showtimes", showtime))
        seat_map = (await client.get(f"/showtimes/{showtime_id}/seats")).raise_for_status().json()
    return Stage(showtime_id, [seat["seat_id"] for seat in seat_map["seats"]])


async def _with_fault(driver: Driver, fault: Fault) -> Window:
    await asyncio.sleep(max(0.0, fault.at - driver.clock()))
    start = driver.clock()
    try:
        await fault.inject_async()
        await asyncio.sleep(fault.down_for)
    finally:
        await fault.heal_async()
    return Window(fault.description, start, driver.clock())


async def run(cluster: Cluster, scenario: Scenario, broker: BrokerLog) -> Report:
    stage = await make_stage(cluster, scenario.name, scenario.seats)
    driver = Driver(scenario.workload, stage, cluster.gateway_url, scenario.name)
    windows: list[Window] = []
    try:
        await driver.sign_up()
        stop = asyncio.Event()
        driver.start_clock()
        users = asyncio.create_task(driver.run_users(stop))
        if scenario.fault is not None:
            windows.append(await _with_fault(driver, scenario.fault))
        if scenario.run_seconds is not None:
            until = max([scenario.run_seconds, *(w.healed + scenario.after_heal for w in windows)])
            await asyncio.wait({users}, timeout=max(0.0, until - driver.clock()))
            stop.set()
        await users
        workload_seconds = driver.clock()
    finally:
        await driver.close()
    user_ids = driver.history.user_ids
    settle_seconds, unsettled, settling = await settle(
        cluster, stage.showtime_id, user_ids, scenario.settle_deadline
    )
    await drain(cluster.amqp_url, broker)
    snapshot = await stored.read(cluster.postgres_dsn, cluster.mongo_url, stage.showtime_id, user_ids)
    observed = Observed(snapshot, broker, driver.history, windows)
    report = Report(
        scenario.name,
        scenario.fault.description if scenario.fault else "none",
        scenario.workload.describe() + f"; {len(stage.seats)} seats of showtime {stage.showtime_id}",
        observed,
        check(observed),
        workload_seconds,
        settle_seconds,
        unsettled,
        settling,
    )
    report.save()
    return report


def under_fault(name: str, fault: Fault, full: bool, seed: int, **workload: object) -> Scenario:
    """A fault run: users book on 500 seats for at least 30 s and 15 s after the fault healed, so that
    confirmations go on before, during and after it. Full: 40 users, 10 at once; CI: 20 users, 8 at
    once, at least 20 s and 10 s after the fault."""
    users, concurrency, seconds, after = (40, 10, 30.0, 15.0) if full else (20, 8, 20.0, 10.0)
    load = Workload(users, None, seed, concurrency=concurrency, **workload)  # type: ignore[arg-type]
    return Scenario(name, load, fault, seats=500, run_seconds=seconds, after_heal=after)
