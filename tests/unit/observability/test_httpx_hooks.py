"""An outgoing request's client span keeps its correlation id and never its query string (a client may
send ``?jwt=<token>``, which the gateway forwards)."""

import httpx
import pytest
from opentelemetry.instrumentation.httpx import RequestInfo

from handlers.common import telemetry
from handlers.common.telemetry.httpx_hooks import on_request

pytestmark = pytest.mark.unit


async def test_the_url_is_recorded_without_its_query_and_the_correlation_id_is_kept(spans):
    url = httpx.URL("http://127.0.0.1:8103/graphql?jwt=secret-token#frag")
    headers = httpx.Headers({"X-Correlation-ID": "corr-9"})
    with telemetry.tracer().start_as_current_span("POST", attributes={"http.url": str(url)}) as span:
        await on_request(span, RequestInfo(b"POST", url, headers, None, None))
    (finished,) = spans.get_finished_spans()
    assert finished.attributes["http.url"] == "http://127.0.0.1:8103/graphql"
    assert finished.attributes["cinemesh.correlation_id"] == "corr-9"
    assert "url.full" not in finished.attributes
