"""``python -m mesh.gateway``: the local gateway on GATEWAY_HOST:GATEWAY_PORT (127.0.0.1:8000)."""

import logging
import sys

import prometheus_client
import uvicorn
from pydantic import ValidationError

from handlers.common import observability
from mesh.gateway.app import create_app, server_config
from mesh.gateway.declarative import ConfigError
from mesh.gateway.settings import GatewaySettings


def serve_status(settings: GatewaySettings) -> None:
    """/metrics on the status port; a port already taken costs the metrics, never the gateway."""
    if not settings.status_port:
        return
    try:
        prometheus_client.start_http_server(settings.status_port, addr=settings.host)
    except OSError as exc:
        logging.getLogger("mesh.gateway").warning(
            "no /metrics: status port %s unavailable (%s); GATEWAY_STATUS_PORT picks another",
            settings.status_port,
            exc,
        )


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    observability.setup("gateway")
    try:
        settings = GatewaySettings()
        app = observability.observed(create_app(settings), expose=False)
    except (ConfigError, ValidationError, OSError) as exc:
        print(f"gateway refuses to start: {exc}", file=sys.stderr)
        return 2
    serve_status(settings)
    uvicorn.Server(server_config(app, settings)).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
