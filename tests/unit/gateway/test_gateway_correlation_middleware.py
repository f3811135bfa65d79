"""handlers.common.correlation: the gateway's correlation id reaches service logs and outgoing calls."""

import logging

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from handlers.common.correlation import CorrelationIdMiddleware, outgoing_headers

pytestmark = pytest.mark.unit


async def endpoint(_request: Request) -> JSONResponse:
    return JSONResponse(outgoing_headers(), status_code=201)


async def test_id_is_logged_and_available_during_the_request(caplog):
    app = CorrelationIdMiddleware(Starlette(routes=[Route("/things", endpoint)]))
    transport = httpx.ASGITransport(app=app)
    with caplog.at_level(logging.INFO, logger="cinemesh.access"):
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
            response = await client.get("/things", headers={"X-Correlation-ID": "abc-123"})
            anonymous = await client.get("/things")
    assert response.json() == {"X-Correlation-ID": "abc-123"}
    assert anonymous.json() == {}
    assert "GET /things -> 201 correlation_id=abc-123" in caplog.text
    assert outgoing_headers() == {}
