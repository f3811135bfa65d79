"""The operator's endpoints (/metrics, /health/live, /health/ready) are on each service's own port and
never through the gateway: a hostile client trying every spelling gets the gateway's 404 and no
service sees the request. Every service here is the recording echo upstream, which would answer 200
to any path it were sent; the gateway is served as ``python -m mesh.gateway`` serves it."""

from collections.abc import Iterator

import httpx
import pytest

from handlers.common import observability
from mesh.gateway.app import create_app
from tests.integration.gateway.harness import Upstream, gateway_settings, raw_request, serve, upstream_app

pytestmark = [pytest.mark.security, pytest.mark.integration]
PATHS = (
    "/metrics",
    "/metrics/",
    "/METRICS",
    "/metrics?format=prometheus",
    "/%6detrics",
    "//metrics",
    "/health/live",
    "/health/ready",
    "/health/../metrics",
    "/docs/../metrics",
    "/assets/../metrics",
    "/graphql/../metrics",
)


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    recorded = Upstream()
    with serve(upstream_app(recorded), name="ops-upstream") as url:
        recorded.url = url
        yield recorded


@pytest.fixture(scope="module")
def gateway(keys_dir, upstream) -> Iterator[str]:
    settings = gateway_settings(keys_dir, upstream.url, status_port=0)
    app = observability.observed(create_app(settings), expose=False)
    with serve(app, name="ops-gateway", settings=settings) as url:
        yield url


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_operator_endpoints_are_not_reachable_through_the_gateway(gateway, upstream, method, path):
    status, _headers, body = raw_request(gateway, method, path)
    assert status in (400, 404), (method, path, status)
    assert upstream.seen == [], f"{method} {path} reached a service: {upstream.seen[-1]['raw_path']}"
    assert b"cinemesh_" not in body and b"checks" not in body


def test_the_public_routes_still_reach_their_services(gateway, upstream):
    answer = httpx.get(f"{gateway}/movies", timeout=10)
    assert answer.status_code == 200 and upstream.reached("GET", "/movies")
    upstream.seen.clear()
