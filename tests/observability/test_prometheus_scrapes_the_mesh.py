"""Debian's Prometheus on the configuration ``mesh.prometheus`` generates scrapes every service of the
mesh and the gateway, and the business counters of a booking can be queried from it."""

import json
import shutil
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest

from handlers.common.settings import REPO_ROOT
from mesh import prometheus
from tests.observability.conftest import book

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PORT = 26090


@pytest.fixture(scope="module")
def prometheus_url(mesh, tmp_path_factory) -> Iterator[str]:
    """Prometheus on the mesh's generated configuration, ready (``/-/ready``) before any test asks it;
    its own log goes into every failure, so a Prometheus that would not start or died says why."""
    if shutil.which("prometheus") is None:
        pytest.skip("Debian's prometheus is not installed (scripts/prometheus.sh)")
    config = prometheus.scrape_config(
        lambda _spec: "127.0.0.1", mesh.status_url.split("//")[1], mesh.services
    )
    directory = tmp_path_factory.mktemp("prometheus")
    command = prometheus.command(directory, config, PORT)
    log_path = directory / "prometheus.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{PORT}"
    try:
        if not eventually(
            lambda: process.poll() is None and httpx.get(f"{url}/-/ready", timeout=2).is_success
        ):
            pytest.fail(f"prometheus is not ready (exit code {process.poll()}):\n{_tail(log_path)}")
        yield url
        assert process.poll() is None, f"prometheus exited ({process.returncode}):\n{_tail(log_path)}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def _tail(path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def query(url: str, expression: str) -> list[dict]:
    answer = httpx.get(f"{url}/api/v1/query", params={"query": expression}, timeout=10).json()
    return answer["data"]["result"] if answer.get("status") == "success" else []


def eventually(probe, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = probe()
        except httpx.HTTPError:
            found = None
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


async def test_every_target_is_up_and_a_booking_shows_in_the_counters(mesh, prometheus_url):
    await book(mesh.gateway_url)
    expected = {spec.name for spec in mesh.services} | {"gateway"}

    last_seen: dict[str, set[str]] = {}

    def all_up() -> set[str] | None:
        last_seen["up"] = {r["metric"]["job"] for r in query(prometheus_url, "up == 1")}
        return last_seen["up"] if last_seen["up"] == expected else None

    assert eventually(all_up) == expected, f"targets up: {last_seen.get('up')}"
    confirmed = eventually(lambda: query(prometheus_url, 'cinemesh_bookings_total{status="CONFIRMED"} >= 1'))
    assert confirmed and confirmed[0]["metric"]["job"] == "booking"
    sold = eventually(lambda: query(prometheus_url, "cinemesh_seats_sold_total >= 2"))
    assert sold and sold[0]["metric"]["job"] == "cinema"


def test_every_dashboard_query_is_valid_promql_on_the_mesh(mesh, prometheus_url):
    dashboard = json.loads(
        (REPO_ROOT / "observability" / "grafana" / "dashboards" / "cinemesh.json").read_text()
    )
    expressions = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    for expression in expressions:
        concrete = expression.replace("$__range", "5m")
        answer = httpx.get(f"{prometheus_url}/api/v1/query", params={"query": concrete}, timeout=10).json()
        assert answer["status"] == "success", (expression, answer)
    funnel = "sum by (status) (increase(cinemesh_bookings_total[5m]))"  # needs two scrapes of each series
    statuses = eventually(lambda: {r["metric"]["status"] for r in query(prometheus_url, funnel)})
    assert statuses >= {"PENDING", "CONFIRMING", "CONFIRMED"}
