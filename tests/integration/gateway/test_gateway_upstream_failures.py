"""Streaming, timeouts and dead upstreams, with a small kong.yml written for the test."""

import asyncio
import time
from pathlib import Path

import httpx
import pytest
import yaml

from .harness import closed_port, gateway_settings, serve_gateway

pytestmark = pytest.mark.integration


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
                "name": "patient",
                "url": upstream_url + "/slow",
                "connect_timeout": 1000,
                "routes": [{"name": "queued", "paths": ["/queued"], "strip_path": True}],
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
    with serve_gateway(settings) as url:
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


async def test_a_rush_wider_than_any_connection_cap_waits_for_the_upstream_never_a_504(small_gateway):
    """300 requests at once, each held 1.5 s by the upstream, on a service whose connect timeout is
    1 s: as with Kong (nginx opens an upstream connection per request; only idle ones are pooled),
    none waits for a free connection, so none times out."""
    limits = httpx.Limits(max_connections=300)
    async with httpx.AsyncClient(base_url=small_gateway, limits=limits, timeout=30) as client:
        answers = await asyncio.gather(
            *(client.get("/queued", params={"seconds": "1.5"}) for _ in range(300))
        )
    assert [a.status_code for a in answers] == [200] * 300
