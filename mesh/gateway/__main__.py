"""``python -m mesh.gateway``: the local gateway on GATEWAY_HOST:GATEWAY_PORT (127.0.0.1:8000)."""

import logging
import sys

import uvicorn
from pydantic import ValidationError

from mesh.gateway.app import create_app, server_config
from mesh.gateway.declarative import ConfigError
from mesh.gateway.settings import GatewaySettings


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings = GatewaySettings()
        app = create_app(settings)
    except (ConfigError, ValidationError, OSError) as exc:
        print(f"gateway refuses to start: {exc}", file=sys.stderr)
        return 2
    uvicorn.Server(server_config(app, settings)).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
