"""A service's operator endpoints and request observation, in front of any ASGI app."""

from collections.abc import Iterator

import httpx
import pytest
from prometheus_client import REGISTRY
from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from handlers.common import observability
from handlers.common.observability import readiness
from handlers.common.telemetry.propagation import CORRELATION_ATTRIBUTE

pytestmark = pytest.mark.unit
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


async def item(request):
    return JSONResponse({"id": request.path_params["item_id"]})


async def broken(_request):
    return PlainTextResponse("no", status_code=503)


APP = Starlette(routes=[Route("/items/{item_id}", item), Route("/broken", broken)])


def requests_seen(route: str, status: str) -> float:
    labels = {"route": route, "method": "GET", "status": status}
    return REGISTRY.get_sample_value("cinemesh_http_request_duration_seconds_count", labels) or 0.0


@pytest.fixture
def dependencies() -> Iterator[None]:
    yield
    for name in ("database", "broker"):
        readiness.unregister(name)


def client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service")


async def test_requests_are_counted_by_route_template_not_by_path():
    before = requests_seen("/items/{item_id}", "200")
    async with client(observability.observed(APP)) as http:
        for item_id in ("1", "2", "3"):
            assert (await http.get(f"/items/{item_id}")).status_code == 200
        assert (await http.get("/nowhere")).status_code == 404
    assert requests_seen("/items/{item_id}", "200") == before + 3
    assert requests_seen("(unmatched)", "404") >= 1


async def test_metrics_are_served_in_the_prometheus_text_format():
    async with client(observability.observed(APP)) as http:
        await http.get("/items/9")
        response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    expected = 'cinemesh_http_request_duration_seconds_count{method="GET",route="/items/{item_id}"'
    assert expected in response.text
    assert "cinemesh_bookings_total" in response.text  # the catalogue is declared in every process


async def test_the_gateway_kind_exposes_nothing_on_its_public_port():
    async with client(observability.observed(APP, expose=False)) as http:
        for path in ("/metrics", "/health/live", "/health/ready"):
            assert (await http.get(path)).status_code == 404


async def test_ready_reports_every_dependency_and_only_a_required_one_makes_it_unready(dependencies):
    async def fine() -> None:
        return None

    async def down() -> None:
        raise ConnectionError("refused")

    readiness.register("database", fine)
    readiness.register("broker", down, required=False)
    async with client(observability.observed(APP)) as http:
        degraded = await http.get("/health/ready")
        readiness.register("database", down)
        unready = await http.get("/health/ready")
        live = await http.get("/health/live")
    assert degraded.status_code == 200 and degraded.json()["status"] == "degraded"
    checks = degraded.json()["checks"]
    assert checks["database"]["ok"] and not checks["broker"]["ok"]
    assert "ConnectionError: refused" in checks["broker"]["error"]
    assert unready.status_code == 503 and unready.json()["status"] == "unavailable"
    assert live.status_code == 200 and live.json() == {"status": "ok"}


async def test_a_slow_dependency_is_reported_as_failed_within_the_limit(dependencies):
    import asyncio

    async def hangs() -> None:
        await asyncio.sleep(30)

    readiness.register("database", hangs)
    status, body = await readiness.report(limit_seconds=0.05)
    assert status == 503 and "TimeoutError" in body["checks"]["database"]["error"]


async def test_a_traced_request_continues_the_callers_trace_and_is_named_by_its_route(spans):
    headers = {"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01", "X-Correlation-ID": "corr-7"}
    async with client(observability.observed(APP)) as http:
        await http.get("/items/5", headers=headers)
        await http.get("/broken")
        await http.get("/metrics")  # the operator's endpoints are not traced
    first, second = spans.get_finished_spans()
    assert first.name == "GET /items/{item_id}"
    assert f"{first.context.trace_id:032x}" == TRACE_ID
    assert f"{first.parent.span_id:016x}" == "00f067aa0ba902b7"
    assert first.attributes[CORRELATION_ATTRIBUTE] == "corr-7"
    assert first.attributes["http.response.status_code"] == 200
    assert second.parent is None and not second.status.is_ok


async def test_untraced_processes_add_no_span_middleware():
    assert type(observability.observed(APP).app) is Starlette
