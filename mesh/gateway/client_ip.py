"""The client address as Kong computes it (nginx's realip module, set up from kong.conf).

Kong's ``trusted_ips`` becomes ``set_real_ip_from``, ``real_ip_header`` and ``real_ip_recursive``
the directives of the same name. The TCP peer is the client unless it is trusted; only then is
the header read, right to left: without recursion its last address is the client; with recursion
every trusted address is skipped and the first untrusted one (or the leftmost) is the client. A
value that is not an address stops the walk at the address reached so far
(``ngx_http_get_forwarded_addr_internal``). ``X-Forwarded-For`` may come in several header lines:
they are read as one list, last line last; any other header is read from its first line.

``kong.client.get_ip()`` is ``peer``; ``kong.client.get_forwarded_ip()`` is ``client``.
"""

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.datastructures import Headers

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted(values: Iterable[str]) -> tuple[Network, ...]:
    """Kong's ``trusted_ips``: addresses or CIDR blocks; ``unix:`` (UNIX sockets) never applies here."""
    return tuple(ipaddress.ip_network(value, strict=False) for value in values if value != "unix:")


def _address(text: str) -> str | None:
    """An address as nginx's ``ngx_parse_addr_port`` takes it: ``ip``, ``ipv4:port``, ``[ipv6]:port``."""
    candidates = [text]
    if text.startswith("["):
        candidates = [text[1 : text.find("]")]] if "]" in text else []
    elif text.count(":") == 1:
        host, port = text.split(":")
        candidates = [host] if port.isdigit() else []
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class Addresses:
    peer: str
    client: str


@dataclass(frozen=True)
class RealIp:
    trusted: tuple[Network, ...] = ()
    header: str = "X-Real-IP"
    recursive: bool = False

    def is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    def addresses(self, peer: str, headers: Headers) -> Addresses:
        if not self.is_trusted(peer):
            return Addresses(peer, peer)
        name = self.header.lower()
        lines = headers.getlist(name) if name == "x-forwarded-for" else headers.getlist(name)[:1]
        elements = [item.strip() for line in lines for item in line.replace(" ", ",").split(",")]
        elements = [item for item in elements if item]
        client = peer
        while elements and self.is_trusted(client):
            parsed = _address(elements.pop())
            if parsed is None:
                break
            client = parsed
            if not self.recursive:
                break
        return Addresses(peer, client)
