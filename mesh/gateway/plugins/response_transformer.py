"""Kong's ``response-transformer`` plugin, ``add.headers`` only (the loader refuses the other fields).

Each entry is ``Name:value``; the header is set only when the response does not carry it already
(``header_transformer.lua``: ``add`` never overrides, ``replace``/``append`` would). Kong splits an
entry at its first colon run and keeps the rest as the value; surrounding blanks are dropped here,
as any HTTP recipient would.
"""

from starlette.datastructures import MutableHeaders

from mesh.gateway.plugins.base import Exchange, GatewayPlugin


def header_entry(entry: str) -> tuple[str, str]:
    name, _, value = entry.partition(":")
    return name, value.lstrip(":").strip()


class ResponseTransformerPlugin(GatewayPlugin):
    priority = 800

    def __init__(self, config: dict):
        self.added = [header_entry(entry) for entry in config["add"]["headers"]]

    def header_filter(self, exchange: Exchange, headers: MutableHeaders) -> None:
        for name, value in self.added:
            if value and name not in headers:
                headers[name] = value
