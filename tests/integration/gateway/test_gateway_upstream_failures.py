"""Streaming, timeouts and dead upstreams, with a small kong.yml written for the test."""

import socket
import time
from pathlib import Path

import httpx
import pytest
import yaml

from mesh.gateway.app import create_app

from .conftest import gateway_settings, serve

pytestmark = pytest.mark.integration


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def small_gateway(tmp_path_factory, keys_dir, upstream_url):
    doc = {
        "_format_version": "3.0",
        "services": [
            {
                "name": "echo",
                "url": upstream_url,
                "read_timeout": 300,
                "retries": 0,
                "routes": [{"name": "echo-all", "paths": ["/"], "strip_path": False}],
            },
            {
                "name": "stripped",
                "url": upstream_url + "/base",
                "routes": [{"name": "strip", "paths": ["/api"], "strip_path": True}],
            },
            {
                "name": "dead",
                "url": f"http://127.0.0.1:{closed_port()}",
                "retries": 1,
                "routes": [{"name": "dead", "paths": ["/dead"], "strip_path": False}],
            },
        ],
    }
    path: Path = tmp_path_factory.mktemp("kong") / "kong.yml"
    path.write_text(yaml.safe_dump(doc))
    settings = gateway_settings(keys_dir, upstream_url, kong_config=path).model_copy(update={"upstreams": {}})
    with serve(create_app(settings)) as url:
        yield url


def test_response_is_streamed_chunk_by_chunk(small_gateway):
    started = time.perf_counter()
    arrivals = []
    with httpx.stream("GET", f"{small_gateway}/stream") as response:
        assert response.status_code == 200
        for line in response.iter_lines():
            if line:
                arrivals.append(time.perf_counter() - started)
    assert len(arrivals) == 5
    assert arrivals[0] < arrivals[-1] - 0.25, arrivals


def test_slow_upstream_is_a_504(small_gateway):
    response = httpx.get(f"{small_gateway}/slow", params={"seconds": "2"}, timeout=10)
    assert response.status_code == 504
    assert response.json() == {"message": "The upstream server is timing out"}


def test_dead_upstream_is_a_502(small_gateway):
    response = httpx.get(f"{small_gateway}/dead/x")
    assert response.status_code == 502
    assert response.json() == {"message": "An invalid response was received from the upstream server"}


def test_strip_path_joins_the_service_path(small_gateway):
    assert httpx.get(f"{small_gateway}/api/things?a=1").json()["path"] == "/base/things"


def test_keep_alive_pool_serves_many_requests(small_gateway):
    with httpx.Client(base_url=small_gateway) as client:
        for i in range(50):
            assert client.post("/echo", json={"i": i}).status_code == 200
