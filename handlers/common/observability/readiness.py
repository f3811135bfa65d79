"""Readiness distinct from liveness, as Kubernetes probes expect.

``/health/live``: the process answers (its event loop runs); nothing else is asked. ``/health/ready``:
every dependency registered here is asked (each with a timeout) and reported with its latency.
A ``required`` dependency that fails (the service's database) makes the service not ready (503):
it cannot serve. An optional one (the broker, the outbox) only degrades it (200, ``degraded``):
requests still succeed and events wait in the outbox.

Components register their own checks when they start (``connect_beanie``, the outbox relay, the
cinema engine, the notification worker) and remove them when they stop.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

# A check returns details to report (``True``/``None``: fine, ``False``: failed) or raises.
Check = Callable[[], Awaitable[Any]]


@dataclass(frozen=True)
class Dependency:
    check: Check
    required: bool


_dependencies: dict[str, Dependency] = {}


def register(name: str, check: Check, required: bool = True) -> None:
    _dependencies[name] = Dependency(check, required)


def unregister(name: str) -> None:
    _dependencies.pop(name, None)


async def _probe(dependency: Dependency, limit_seconds: float) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        details = await asyncio.wait_for(dependency.check(), limit_seconds)
        ok = details is not False
    except Exception as exc:
        details, ok = f"{type(exc).__name__}: {exc}"[:200], False
    report: dict[str, Any] = {"ok": ok, "required": dependency.required}
    report["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
    if isinstance(details, dict):
        report.update(details)
    elif isinstance(details, str):
        report["error"] = details
    return report


async def report(limit_seconds: float = 2.0) -> tuple[int, dict[str, Any]]:
    """``(status code, body)`` of ``/health/ready``."""
    names = list(_dependencies)
    results = await asyncio.gather(*(_probe(_dependencies[name], limit_seconds) for name in names))
    checks = dict(zip(names, results, strict=True))
    unready = any(not c["ok"] and c["required"] for c in checks.values())
    degraded = any(not c["ok"] for c in checks.values())
    status = "unavailable" if unready else "degraded" if degraded else "ok"
    return (503 if unready else 200), {"status": status, "checks": checks}
