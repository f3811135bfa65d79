"""The observability tests' own traced mesh (``mesh.own_mesh``): the five services and the local
gateway with ``CINEMESH_TRACING=on`` (every trace kept, spans written every 200 ms to
``.run/observability/traces/``), on 26xxx ports (gateway 26000 and its status port 26100, services
26101-26105, gRPC 26051), stores of their own on the shared infrastructure, emptied and seeded at
every start: PostgreSQL ``cinema_observability``, MongoDB ``<service>s_observability``, Redis db 10,
RabbitMQ virtual host ``cinemesh_observability``."""

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from handlers.common.settings import REPO_ROOT
from mesh.own_mesh import OwnMesh, empty_shared_stores, shared_stores
from mesh.processes import ProcessSpec

TRACED = OwnMesh("observability tests", 26000, REPO_ROOT / ".run" / "observability")
TRACE_DIR = TRACED.state_dir / "traces"
TRACING = {
    "CINEMESH_TRACING": "on",
    "CINEMESH_TRACE_SAMPLE_RATIO": "1",
    "CINEMESH_TRACE_DIR": str(TRACE_DIR),
    "CINEMESH_TRACE_FLUSH_MS": "200",
}


@dataclass(frozen=True)
class TracedMesh:
    gateway_url: str
    status_url: str
    trace_dir: Path
    services: tuple[ProcessSpec, ...]


@contextmanager
def traced_mesh() -> Iterator[TracedMesh]:
    """The traced mesh for the duration of the block, on these tests' ports and stores."""
    with TRACED.supervised():
        stores = shared_stores("observability", redis_db=10)
        env = TRACED.environment(stores) | TRACING
        empty_shared_stores(stores)
        shutil.rmtree(TRACE_DIR, ignore_errors=True)
        TRACED.seed({**env, "CINEMESH_TRACING": "off"})
        with TRACED.running(env):
            status_url = f"http://127.0.0.1:{TRACED.status_port}"
            yield TracedMesh(TRACED.gateway.url, status_url, TRACE_DIR, TRACED.services)
