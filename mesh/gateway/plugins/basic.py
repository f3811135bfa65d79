"""Kong's ``correlation-id``, ``request-size-limiting`` and ``request-termination`` plugins."""

import itertools
import uuid

from starlette.datastructures import MutableHeaders
from starlette.responses import Response

from mesh.gateway.plugins.base import Exchange, GatewayPlugin, kong_error

UNIT_BYTES = {"bytes": 1, "kilobytes": 1024, "megabytes": 1024 * 1024}
DEFAULT_MESSAGES = {200: "OK", 403: "Forbidden", 404: "Not found", 503: "Service unavailable"}


class CorrelationIdPlugin(GatewayPlugin):
    """Keeps the client's id or generates one; sends it upstream and, if asked, back."""

    priority = 100001

    def __init__(self, config: dict):
        self.config = config
        self._seed, self._counter = str(uuid.uuid4()), itertools.count(1)

    async def access(self, exchange: Exchange) -> Response | None:
        name = self.config["header_name"]
        value = exchange.request.headers.get(name)
        if not value:
            value = (
                str(uuid.uuid4())
                if self.config["generator"] == "uuid"
                else f"{self._seed}#{next(self._counter)}"
            )
        exchange.upstream_headers[name] = value
        return None

    def header_filter(self, exchange: Exchange, headers: MutableHeaders) -> None:
        name = self.config["header_name"]
        if self.config["echo_downstream"] and name in exchange.upstream_headers:
            headers[name] = exchange.upstream_headers[name]


class RequestSizeLimitingPlugin(GatewayPlugin):
    """413 when the body is larger than allowed; a body without Content-Length is read and counted."""

    priority = 951

    def __init__(self, config: dict):
        self.limit = int(config["allowed_payload_size"]) * UNIT_BYTES[config["size_unit"]]
        self.require_length = config["require_content_length"]

    async def access(self, exchange: Exchange) -> Response | None:
        length = exchange.request.headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                return kong_error(400, "Bad Request")
            return kong_error(413, "Request size limit exceeded") if int(length) > self.limit else None
        if self.require_length:
            return kong_error(411, "A valid Content-Length header is required")
        if "transfer-encoding" not in exchange.request.headers:
            return None
        body = bytearray()
        async for chunk in exchange.request.stream():
            body += chunk
            if len(body) > self.limit:
                return kong_error(413, "Request size limit exceeded")
        exchange.body = bytes(body)
        return None


class RequestTerminationPlugin(GatewayPlugin):
    """Answers every request of its route with a fixed status and body."""

    priority = 2

    def __init__(self, config: dict):
        self.config = config

    async def access(self, exchange: Exchange) -> Response | None:
        status = int(self.config["status_code"])
        if self.config.get("body") is not None:
            return Response(
                self.config["body"], status_code=status, media_type=self.config.get("content_type")
            )
        return kong_error(status, self.config.get("message") or DEFAULT_MESSAGES.get(status, "Terminated"))
