"""Kong's ``cors`` plugin: answers preflights itself and decorates every other response.

A preflight is an OPTIONS request with ``Origin`` and ``Access-Control-Request-Method``; it gets
200 with the allow-* headers (unless ``preflight_continue``). ``origins`` entries are ``*``, exact
origins, or regexes (anything with characters outside ``[A-Za-z0-9.:/-]``), as in Kong.
"""

import re

from starlette.datastructures import MutableHeaders
from starlette.responses import Response

from mesh.gateway.plugins.base import Exchange, GatewayPlugin

PLAIN_ORIGIN = re.compile(r"[A-Za-z0-9.:/-]+")


class CorsPlugin(GatewayPlugin):
    priority = 2000

    def __init__(self, config: dict):
        self.config = config
        self.origins = config.get("origins") or ["*"]

    def _allowed_origin(self, origin: str | None) -> tuple[str | None, bool]:
        """(value for Access-Control-Allow-Origin or None, whether it is the wildcard)."""
        if "*" in self.origins:
            return "*", True
        if origin is None:
            return None, False
        for entry in self.origins:
            if PLAIN_ORIGIN.fullmatch(entry):
                if entry.rstrip("/") == origin.rstrip("/"):
                    return origin, False
            elif re.fullmatch(entry.lstrip("^").rstrip("$"), origin):
                return origin, False
        return None, False

    def _origin_headers(self, origin: str | None) -> dict[str, str]:
        allowed, wildcard = self._allowed_origin(origin)
        headers = {} if wildcard else {"Vary": "Origin"}
        if allowed:
            headers["Access-Control-Allow-Origin"] = allowed
        if self.config.get("credentials") and allowed:
            if wildcard and origin:
                headers |= {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
            headers["Access-Control-Allow-Credentials"] = "true"
        return headers

    async def access(self, exchange: Exchange) -> Response | None:
        request = exchange.request
        origin = request.headers.get("origin")
        if (
            request.method != "OPTIONS"
            or not origin
            or "access-control-request-method" not in request.headers
        ):
            return None
        exchange.preflight = True
        if self.config.get("preflight_continue"):
            return None
        headers = self._origin_headers(origin)
        allow_headers = ",".join(self.config.get("headers") or []) or request.headers.get(
            "access-control-request-headers"
        )
        if allow_headers:
            headers["Access-Control-Allow-Headers"] = allow_headers
        headers["Access-Control-Allow-Methods"] = ",".join(self.config["methods"])
        if self.config.get("max_age") is not None:
            headers["Access-Control-Max-Age"] = str(int(self.config["max_age"]))
        return Response(status_code=200, headers=headers)

    def header_filter(self, exchange: Exchange, headers: MutableHeaders) -> None:
        if exchange.preflight:
            return
        for name, value in self._origin_headers(exchange.request.headers.get("origin")).items():
            headers[name] = value
        if self.config.get("exposed_headers"):
            headers["Access-Control-Expose-Headers"] = ",".join(self.config["exposed_headers"])
