"""Prometheus's scrape configuration comes from the supervisor's list of services."""

import pytest
import yaml

from mesh import prometheus
from mesh.gateway.settings import GatewaySettings
from mesh.processes import SERVICES

pytestmark = pytest.mark.unit


def targets(config: dict) -> dict[str, list[str]]:
    return {job["job_name"]: job["static_configs"][0]["targets"] for job in config["scrape_configs"]}


def test_the_local_config_scrapes_every_supervised_service_and_the_gateways_status_port():
    jobs = targets(prometheus.local_config())
    assert jobs == {
        **{spec.name: [f"127.0.0.1:{spec.port}"] for spec in SERVICES},
        "gateway": [f"127.0.0.1:{GatewaySettings().status_port}"],
    }


def test_the_committed_compose_config_is_what_the_code_renders():
    committed = prometheus.COMPOSE_CONFIG.read_text()
    assert committed == prometheus.render(prometheus.compose_config()), "python -m mesh.prometheus --compose"
    assert targets(yaml.safe_load(committed)) == {
        spec.name: [f"{spec.name}:{spec.port}"] for spec in SERVICES
    }
