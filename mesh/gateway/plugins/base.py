"""What every local-gateway plugin shares: the per-request exchange and Kong-style errors.

A plugin has Kong's ``priority`` (higher runs first) and two phases: ``access`` (may answer the
request itself by returning a response) and ``header_filter`` (adds headers to whatever response
the client gets, including another plugin's error).
"""

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response

from mesh.gateway.model import Consumer, JwtCredential, Route


@dataclass
class Exchange:
    """One request's state. ``client_ip`` is Kong's forwarded ip (what rate limiting counts),
    ``peer_ip`` the TCP peer; ``trusted_peer`` says whether the peer is in ``trusted_ips``."""

    request: Request
    route: Route
    client_ip: str
    peer_ip: str = ""
    trusted_peer: bool = False
    upstream_headers: dict[str, str] = field(default_factory=dict)
    response_headers: dict[str, str] = field(default_factory=dict)
    consumer: Consumer | None = None
    credential: JwtCredential | None = None
    body: bytes | None = None
    preflight: bool = False


class GatewayPlugin:
    priority = 0

    async def access(self, exchange: Exchange) -> Response | None:
        return None

    def header_filter(self, exchange: Exchange, headers: MutableHeaders) -> None:
        return None


def kong_error(status: int, body: dict[str, Any] | str, headers: dict[str, str] | None = None) -> Response:
    """A Kong-style error: JSON body such as ``{"message": "Unauthorized"}``."""
    content = json.dumps({"message": body} if isinstance(body, str) else body)
    return Response(
        content, status_code=status, headers=headers, media_type="application/json; charset=utf-8"
    )
