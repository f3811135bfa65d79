"""Local gateway settings (env prefix ``GATEWAY_``) on top of the shared CineMesh settings.

``GATEWAY_UPSTREAMS`` (JSON, e.g. ``{"user-service": "http://127.0.0.1:9101"}``) replaces the
url of the named kong.yml services; ``GATEWAY_REDIS_URL`` points every ``policy: redis``
rate-limiting plugin at another Redis (tests use db 15). Without them kong.yml is used as it is.
"""

from pathlib import Path
from urllib.parse import urlsplit

from pydantic_settings import SettingsConfigDict

from handlers.common.settings import REPO_ROOT, ServiceSettings


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", populate_by_name=True)

    kong_config: Path = REPO_ROOT / "kong" / "kong.yml"
    host: str = "127.0.0.1"
    port: int = 8000
    upstreams: dict[str, str] = {}
    redis_url: str | None = None
    max_connections: int = 200

    def redis_override(self) -> dict | None:
        if not self.redis_url:
            return None
        parts = urlsplit(self.redis_url)
        database = int(parts.path.lstrip("/") or 0)
        return {"host": parts.hostname or "127.0.0.1", "port": parts.port or 6379, "database": database}
