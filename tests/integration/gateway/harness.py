"""Real HTTP servers in threads: a recording echo upstream and the local gateway in front of it.

Used by the gateway integration tests and by the hostile-client suite (tests/security). The echo
upstream answers every request with what it received and remembers it (``Upstream.seen``), so a
test can assert that a refused request never reached a service.
"""

import asyncio
import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import uvicorn
import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from mesh.gateway.app import create_app, server_config
from mesh.gateway.settings import GatewaySettings

REPO = Path(__file__).resolve().parents[3]
TEST_REDIS = "redis://127.0.0.1:6379/15"


@dataclass
class Upstream:
    url: str = ""
    seen: list[dict] = field(default_factory=list)

    def reached(self, method: str, raw_path_prefix: str) -> list[dict]:
        return [r for r in self.seen if r["method"] == method and r["raw_path"].startswith(raw_path_prefix)]


def upstream_app(upstream: Upstream) -> Starlette:
    async def echo(request: Request) -> JSONResponse:
        body = await request.body()
        echoed = {
            "method": request.method,
            "path": request.url.path,
            "raw_path": request.scope["raw_path"].decode("latin-1"),
            "query": request.url.query,
            "headers": dict(request.headers),
            "header_list": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in request.scope["headers"]],
            "body_length": len(body),
        }
        upstream.seen.append(echoed)
        return JSONResponse(echoed)

    async def slow(request: Request) -> JSONResponse:
        await asyncio.sleep(float(request.query_params.get("seconds", "2")))
        return JSONResponse({"slow": True})

    async def stream(request: Request) -> StreamingResponse:
        async def chunks():
            for i in range(5):
                yield json.dumps({"chunk": i}).encode() + b"\n"
                await asyncio.sleep(0.1)

        return StreamingResponse(chunks(), media_type="application/x-ndjson")

    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    return Starlette(
        routes=[
            Route("/slow", slow),
            Route("/slow/{rest:path}", slow),
            Route("/stream", stream),
            Route("/{path:path}", echo, methods=methods),
        ]
    )


@contextmanager
def serve(app, name: str = "test-server", settings: GatewaySettings | None = None) -> Iterator[str]:
    """``app`` on a free loopback port in a thread named ``name``; yields its base URL. With
    ``settings`` the app is a gateway, served the way ``python -m mesh.gateway`` serves it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = (
        server_config(app, settings) if settings else uvicorn.Config(app, log_level="warning", lifespan="on")
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name=name)
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


def gateway_settings(
    keys_dir: Path, upstream: str, kong_config: Path | None = None, **extra
) -> GatewaySettings:
    """A gateway on ``kong_config`` (default: the real kong.yml) with every service at ``upstream``."""
    kong_config = kong_config or REPO / "kong" / "kong.yml"
    services = yaml.safe_load(kong_config.read_text()).get("services") or []
    return GatewaySettings(
        kong_config=kong_config,
        jwt_keys_dir=keys_dir,
        upstreams={service["name"]: upstream for service in services},
        redis_url=TEST_REDIS,
        **extra,
    )


@contextmanager
def serve_gateway(settings: GatewaySettings, name: str = "gateway") -> Iterator[str]:
    with serve(create_app(settings), name=name, settings=settings) as url:
        yield url


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def raw_request(
    base_url: str, method: str, raw_target: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One request whose target is sent byte for byte (httpx would re-encode a bad ``%`` escape)."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.putrequest(method, raw_target, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()
