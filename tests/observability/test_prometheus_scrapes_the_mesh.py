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
PORT = 38090


@pytest.fixture(scope="module")
def prometheus_url(mesh, tmp_path_factory) -> Iterator[str]:
    if shutil.which("prometheus") is None:
        pytest.skip("Debian's prometheus is not installed (scripts/prometheus.sh)")
    config = prometheus.scrape_config(
        lambda _spec: "127.0.0.1", mesh.status_url.split("//")[1], mesh.services
    )
    command = prometheus.command(tmp_path_factory.mktemp("prometheus"), config, PORT)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{PORT}"
    finally:
        process.terminate()
        process.wait(timeout=30)


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

    def all_up() -> set[str] | None:
        up = {r["metric"]["job"] for r in query(prometheus_url, "up == 1")}
        return up if up == expected else None

    assert eventually(all_up) == expected
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
