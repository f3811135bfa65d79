"""Real HTTP servers in threads: small upstream apps and the local gateway in front of them."""

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from handlers.common.keys import ensure_dev_keys
from mesh.gateway.app import create_app
from mesh.gateway.settings import GatewaySettings

REPO = Path(__file__).resolve().parents[3]
TEST_REDIS = "redis://127.0.0.1:6379/15"


async def echo(request: Request) -> JSONResponse:
    body = await request.body()
    return JSONResponse(
        {
            "method": request.method,
            "path": request.url.path,
            "raw_path": request.scope["raw_path"].decode(),
            "query": request.url.query,
            "headers": dict(request.headers),
            "body_length": len(body),
        }
    )


async def slow(request: Request) -> JSONResponse:
    await asyncio.sleep(float(request.query_params.get("seconds", "2")))
    return JSONResponse({"slow": True})


async def stream(request: Request) -> StreamingResponse:
    async def chunks():
        for i in range(5):
            yield json.dumps({"chunk": i}).encode() + b"\n"
            await asyncio.sleep(0.1)

    return StreamingResponse(chunks(), media_type="application/x-ndjson")


def upstream_app() -> Starlette:
    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    return Starlette(
        routes=[Route("/slow", slow), Route("/stream", stream), Route("/{path:path}", echo, methods=methods)]
    )


@contextmanager
def serve(app) -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="session")
def upstream_url() -> Iterator[str]:
    with serve(upstream_app()) as url:
        yield url


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("jwt")
    ensure_dev_keys(path)
    return path


def gateway_settings(keys_dir: Path, upstream: str, kong_config: Path | None = None) -> GatewaySettings:
    services = ["user-service", "cinema-service", "booking-service", "payment-service"]
    return GatewaySettings(
        kong_config=kong_config or REPO / "kong" / "kong.yml",
        jwt_keys_dir=keys_dir,
        upstreams={name: upstream for name in services},
        redis_url=TEST_REDIS,
    )


@pytest.fixture(scope="session")
def gateway_url(keys_dir, upstream_url) -> Iterator[str]:
    """The real kong/kong.yml, every service pointed at the echo upstream."""
    with serve(create_app(gateway_settings(keys_dir, upstream_url))) as url:
        yield url
