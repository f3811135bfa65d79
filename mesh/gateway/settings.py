"""Local gateway settings (env prefix ``GATEWAY_``) on top of the shared CineMesh settings.

``GATEWAY_UPSTREAMS`` (JSON, e.g. ``{"user-service": "http://127.0.0.1:9101"}``) replaces the
url of the named kong.yml services; ``GATEWAY_REDIS_URL`` points every ``policy: redis``
rate-limiting plugin at another Redis (tests use db 15). Without them kong.yml is used as it is.

The client address follows kong.conf's settings of the same names (compose passes them to Kong as
``KONG_TRUSTED_IPS``, ``KONG_REAL_IP_HEADER``, ``KONG_REAL_IP_RECURSIVE``):
``GATEWAY_TRUSTED_IPS`` (comma-separated addresses or CIDR blocks; none by default, as in Kong),
``GATEWAY_REAL_IP_HEADER`` (default ``X-Real-IP``) and ``GATEWAY_REAL_IP_RECURSIVE`` (on/off).
"""

import ipaddress
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from handlers.common.settings import REPO_ROOT, ServiceSettings
from mesh.gateway.client_ip import RealIp, parse_trusted


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", populate_by_name=True)

    kong_config: Path = REPO_ROOT / "kong" / "kong.yml"
    host: str = "127.0.0.1"
    port: int = 8000
    # The operator's /metrics, like Kong's status listener: never on the public port (0: none).
    status_port: int = 8100
    upstreams: dict[str, str] = {}
    # Not the shared CINEMESH_REDIS_URL: an optional override of kong.yml's Redis (None: kong.yml's own).
    redis_url: str | None = None  # type: ignore[assignment]
    # Upstream connections: as with Kong, none by default (nginx opens one per request in flight and
    # keeps only idle ones in a pool); a cap makes requests wait for a free one, and a wait longer than
    # the service's connect_timeout is a 504 (500 clients racing for 10 seats got 300 of them).
    max_connections: int | None = None
    upstream_keepalive_pool_size: int = 60  # idle connections kept, kong.conf's setting of that name
    trusted_ips: Annotated[list[str], NoDecode] = []
    real_ip_header: str = "X-Real-IP"
    real_ip_recursive: bool = False

    @field_validator("trusted_ips", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("trusted_ips")
    @classmethod
    def _addresses_or_blocks(cls, value: list[str]) -> list[str]:
        for item in value:
            if item != "unix:":
                try:
                    ipaddress.ip_network(item, strict=False)
                except ValueError:
                    raise ValueError(
                        f"trusted_ips: {item!r} is not an IPv4/IPv6 address, a CIDR block or 'unix:'"
                    ) from None
        return value

    @field_validator("real_ip_header")
    @classmethod
    def _a_request_header(cls, value: str) -> str:
        if value == "proxy_protocol":
            raise ValueError("real_ip_header proxy_protocol is not implemented by the local gateway")
        return value

    def real_ip(self) -> RealIp:
        return RealIp(parse_trusted(self.trusted_ips), self.real_ip_header, self.real_ip_recursive)

    def redis_override(self) -> dict | None:
        if not self.redis_url:
            return None
        parts = urlsplit(self.redis_url)
        database = int(parts.path.lstrip("/") or 0)
        return {"host": parts.hostname or "127.0.0.1", "port": parts.port or 6379, "database": database}
