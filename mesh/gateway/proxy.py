"""Forwarding to the upstream service: pooled keep-alive client, streaming both ways, timeouts.

The request body streams to the upstream (unless a plugin already read it), the response streams
back untouched (``aiter_raw``: no re-encoding). Connection failures are retried ``service.retries``
times (the request never reached the upstream, as with Kong); then 502. A timeout is a 504.

Forwarding headers are Kong's (``runloop/handler.lua`` and its nginx template), never the
client's copies: ``X-Real-IP`` is the client address; ``X-Forwarded-For`` is the client's list
plus the TCP peer; ``X-Forwarded-Proto/Host/Port/Path`` come from the request, or from the
client's own headers when the peer is a trusted proxy.
"""

import logging
import re
import time

import httpx
from starlette.background import BackgroundTask
from starlette.responses import Response, StreamingResponse

from mesh.gateway.plugins.base import Exchange, kong_error

logger = logging.getLogger(__name__)

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "trailers",
    "transfer-encoding",
    "upgrade",
}
TRUSTED_FROM_GATEWAY = ("x-consumer-", "x-credential-", "x-anonymous-consumer")
FORWARDED = (
    "x-forwarded-proto",
    "x-forwarded-host",
    "x-forwarded-port",
    "x-forwarded-path",
    "x-forwarded-prefix",
)
PORT = re.compile(r":[0-9]+$")
GATEWAY_SET = ("x-real-ip", "x-forwarded-for", *FORWARDED)


def _upstream_headers(exchange: Exchange) -> list[tuple[str, str]]:
    request = exchange.request
    replaced = {name.lower() for name in exchange.upstream_headers}
    headers = [
        (k, v)
        for k, v in request.headers.items()
        if k not in HOP_BY_HOP
        and k != "host"
        and not k.startswith(TRUSTED_FROM_GATEWAY)
        and k not in GATEWAY_SET
        and k not in replaced
    ]
    if exchange.route.preserve_host and "host" in request.headers:
        headers.append(("host", request.headers["host"]))
    return headers + _forwarding_headers(exchange) + list(exchange.upstream_headers.items())


def _forwarding_headers(exchange: Exchange) -> list[tuple[str, str]]:
    request = exchange.request
    client_list = ", ".join(request.headers.getlist("x-forwarded-for"))
    forwarded = {
        "x-forwarded-proto": request.url.scheme,
        "x-forwarded-host": PORT.sub("", request.headers.get("host", "")),
        "x-forwarded-port": str((request.scope.get("server") or ("", 0))[1]),
        "x-forwarded-path": request.scope.get("raw_path", b"").decode("latin-1") or request.url.path,
        "x-forwarded-prefix": "",
    }
    if exchange.trusted_peer:
        forwarded = {name: request.headers.get(name) or value for name, value in forwarded.items()}
    return [
        ("x-real-ip", exchange.client_ip),
        ("x-forwarded-for", f"{client_list}, {exchange.peer_ip}" if client_list else exchange.client_ip),
        *((name, value) for name, value in forwarded.items() if value),
    ]


async def forward(client: httpx.AsyncClient, exchange: Exchange, upstream_path: str) -> Response:
    service = exchange.route.service
    assert service is not None
    query = exchange.request.url.query
    url = service.url + upstream_path + (f"?{query}" if query else "")
    timeout = httpx.Timeout(
        connect=service.connect_timeout / 1000,
        read=service.read_timeout / 1000,
        write=service.write_timeout / 1000,
        pool=service.connect_timeout / 1000,
    )
    body = exchange.body if exchange.body is not None else _request_stream(exchange)
    started = time.perf_counter()
    for attempt in range(service.retries + 1):
        request = client.build_request(
            exchange.request.method,
            url,
            headers=_upstream_headers(exchange),
            content=body,
            timeout=timeout,
        )
        try:
            upstream = await client.send(request, stream=True)
            break
        except httpx.ConnectError as exc:
            if attempt == service.retries:
                return _upstream_failed(exchange, exc, 502)
        except httpx.TimeoutException as exc:
            return _upstream_failed(exchange, exc, 504)
        except httpx.HTTPError as exc:
            return _upstream_failed(exchange, exc, 502)
    headers = [(k, v) for k, v in upstream.headers.multi_items() if k.lower() not in HOP_BY_HOP]
    headers.append(("x-kong-upstream-latency", str(int((time.perf_counter() - started) * 1000))))
    response = StreamingResponse(
        _relay(upstream), status_code=upstream.status_code, background=BackgroundTask(upstream.aclose)
    )
    response.raw_headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    return response


def _upstream_failed(exchange: Exchange, exc: httpx.HTTPError, status: int) -> Response:
    """Kong's 502/504; the log names the route and the failure, never the URL (its query may hold a token)."""
    logger.warning("upstream of route %s failed: %s -> %s", exchange.route.name, type(exc).__name__, status)
    if status == 504:
        return kong_error(504, "The upstream server is timing out")
    return kong_error(502, "An invalid response was received from the upstream server")


def _request_stream(exchange: Exchange):
    headers = exchange.request.headers
    if "content-length" not in headers and "transfer-encoding" not in headers:
        return None
    return exchange.request.stream()


async def _relay(upstream: httpx.Response):
    """The upstream body as it arrives; an upstream failing mid-body ends the response there."""
    try:
        async for chunk in upstream.aiter_raw():
            yield chunk
    except httpx.HTTPError:
        return
    finally:
        await upstream.aclose()
