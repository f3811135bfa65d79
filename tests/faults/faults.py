"""Fault injectors: each breaks one part of the suite's own cluster and heals it.

``Fault.inject`` and ``Fault.heal`` run in worker threads (they block on processes and health
checks) while the workload goes on in the event loop. A fault's window runs from the moment it is
injected until the part it broke answers again (``heal`` returns once it does).
"""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from mesh import supervisor
from tests.faults.cluster import MESH, Cluster, infra


@dataclass(frozen=True)
class Fault:
    description: str  # what it kills, when, for how long
    at: float  # seconds after the workload started
    down_for: float  # seconds between the injection and the start of healing
    inject: Callable[[], object]
    heal: Callable[[], object]

    async def inject_async(self) -> None:
        await asyncio.to_thread(self.inject)

    async def heal_async(self) -> None:
        await asyncio.to_thread(self.heal)


def _wait_mesh_healthy(timeout: float = 90) -> None:
    """Until every process of the mesh answers its health check (dependents reconnect on their own)."""
    deadline = time.monotonic() + timeout
    while (sick := [spec.name for spec in MESH if not supervisor.healthy(spec, timeout=3)]) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.5)
    if sick:
        raise RuntimeError(f"not healthy {timeout:.0f}s after the fault healed: {', '.join(sick)}")


def kill_service(cluster: Cluster, name: str, at: float, down_for: float) -> Fault:
    """``kill -9`` of the suite's ``name`` process at ``at`` s, started again ``down_for`` s later."""

    def heal() -> None:
        cluster.restart(name)
        _wait_mesh_healthy()

    description = f"kill -9 of {name} at +{at:g}s, restarted {down_for:g}s later"
    return Fault(description, at, down_for, lambda: cluster.kill(name), heal)


def stop_infra(component: str, at: float, down_for: float, how: str) -> Fault:
    """Stop the suite's own ``component`` (postgres, mongo, redis, rabbitmq), start it again later."""

    def heal() -> None:
        infra("start", component)
        _wait_mesh_healthy()

    description = f"{component} {how} at +{at:g}s, started again {down_for:g}s later"
    return Fault(description, at, down_for, lambda: infra("stop", component), heal)
