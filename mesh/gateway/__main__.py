"""``python -m mesh.gateway``: the local gateway on GATEWAY_HOST:GATEWAY_PORT (127.0.0.1:8000)."""

import logging
import sys

import uvicorn

from mesh.gateway.app import create_app
from mesh.gateway.declarative import ConfigError
from mesh.gateway.settings import GatewaySettings


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = GatewaySettings()
    try:
        app = create_app(settings)
    except (ConfigError, OSError) as exc:
        print(f"gateway refuses to start: {exc}", file=sys.stderr)
        return 2
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
