"""The compose stack's observability: real images, every service traced to Jaeger, Prometheus on the
generated configuration, Grafana provisioned with a dashboard that asks only for metrics the services
declare."""

import json
import re
from pathlib import Path

import pytest
import yaml
from prometheus_client import REGISTRY

import handlers.common.observability.metrics  # noqa: F401 (declares every CineMesh metric)
from mesh.processes import SERVICES

pytestmark = pytest.mark.unit
REPO = Path(__file__).resolve().parents[3]
DASHBOARD = REPO / "observability" / "grafana" / "dashboards" / "cinemesh.json"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def mounted_sources(service: dict) -> list[Path]:
    return [REPO / volume.split(":")[0] for volume in service.get("volumes", [])]


def test_jaeger_prometheus_and_grafana_are_real_images_with_their_files(compose):
    services = compose["services"]
    assert services["jaeger"]["image"].startswith("jaegertracing/jaeger:2.")
    assert services["prometheus"]["image"].startswith("prom/prometheus:v")
    assert services["grafana"]["image"].startswith("grafana/grafana:")
    for name in ("prometheus", "grafana"):
        assert all(path.exists() for path in mounted_sources(services[name])), name
    provisioning = REPO / "observability" / "grafana" / "provisioning"
    sources = yaml.safe_load((provisioning / "datasources" / "cinemesh.yml").read_text())["datasources"]
    assert {(s["type"], s["url"]) for s in sources} == {
        ("prometheus", "http://prometheus:9090"),
        ("jaeger", "http://jaeger:16686"),
    }


def test_every_service_traces_to_jaeger(compose):
    for spec in SERVICES:
        environment = compose["services"][spec.name]["environment"]
        assert environment["CINEMESH_OTLP_ENDPOINT"] == "http://jaeger:4318", spec.name
        assert environment["CINEMESH_TRACING"].startswith("${CINEMESH_TRACING:-on}"), spec.name


def declared_samples() -> set[str]:
    names = set()
    for family in REGISTRY.collect():
        if family.name.startswith("cinemesh_"):
            suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum")}.get(
                family.type, ("",)
            )
            names |= {family.name + suffix for suffix in suffixes}
    return names


def test_the_dashboard_asks_only_for_declared_metrics_and_covers_the_three_views():
    dashboard = json.loads(DASHBOARD.read_text())
    expressions = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    used = {name for expr in expressions for name in re.findall(r"\bcinemesh_[a-z_]+", expr)}
    assert used and used <= declared_samples(), used - declared_samples()
    rows = [p["title"] for p in dashboard["panels"] if p["type"] == "row"]
    assert [title.split(" (")[0] for title in rows] == [
        "Golden signals per service",
        "Booking funnel",
        "Outbox and events",
    ]
    assert {"cinemesh_bookings_total", "cinemesh_outbox_oldest_pending_age_seconds"} <= used
