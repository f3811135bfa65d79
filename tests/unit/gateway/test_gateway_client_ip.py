"""The client address as nginx's realip module (Kong's trusted_ips / real_ip_header / real_ip_recursive)."""

import pytest
from starlette.datastructures import Headers

from mesh.gateway.client_ip import RealIp, parse_trusted

pytestmark = pytest.mark.unit
PROXY = "10.0.0.5"


def headers(*pairs: tuple[str, str]) -> Headers:
    return Headers(raw=[(k.lower().encode(), v.encode()) for k, v in pairs])


def client(real_ip: RealIp, peer: str, *pairs: tuple[str, str]) -> str:
    return real_ip.addresses(peer, headers(*pairs)).client


XFF = RealIp(parse_trusted(["10.0.0.0/8", "192.168.1.1"]), "X-Forwarded-For")
XFF_RECURSIVE = RealIp(XFF.trusted, "X-Forwarded-For", recursive=True)


def test_nothing_is_trusted_by_default():
    real_ip = RealIp()
    spoofed = [("X-Forwarded-For", "203.0.113.9"), ("X-Real-IP", "203.0.113.9")]
    assert real_ip.addresses("127.0.0.1", headers(*spoofed)).client == "127.0.0.1"
    assert not real_ip.is_trusted("127.0.0.1")


def test_an_untrusted_peer_is_the_client_whatever_it_sends():
    assert client(XFF, "198.51.100.7", ("X-Forwarded-For", "1.2.3.4")) == "198.51.100.7"


def test_a_trusted_peer_without_the_header_is_the_client():
    assert client(XFF, PROXY) == PROXY


def test_without_recursion_the_last_address_is_the_client_even_a_trusted_one():
    assert client(XFF, PROXY, ("X-Forwarded-For", "6.6.6.6, 1.2.3.4")) == "1.2.3.4"
    assert client(XFF, PROXY, ("X-Forwarded-For", "1.2.3.4, 192.168.1.1")) == "192.168.1.1"


def test_with_recursion_trusted_hops_are_skipped_right_to_left():
    chain = ("X-Forwarded-For", "6.6.6.6, 1.2.3.4, 10.1.1.1, 192.168.1.1")
    assert client(XFF_RECURSIVE, PROXY, chain) == "1.2.3.4", "6.6.6.6 is what the client claimed"
    assert client(XFF_RECURSIVE, PROXY, ("X-Forwarded-For", "10.1.1.1, 10.2.2.2")) == "10.1.1.1"


def test_several_header_lines_are_one_list_last_line_last():
    lines = [("X-Forwarded-For", "6.6.6.6"), ("X-Forwarded-For", "1.2.3.4, 10.9.9.9")]
    assert client(XFF, PROXY, *lines) == "10.9.9.9"
    assert client(XFF_RECURSIVE, PROXY, *lines) == "1.2.3.4"


def test_a_value_that_is_no_address_stops_at_the_address_reached():
    assert client(XFF, PROXY, ("X-Forwarded-For", "unknown")) == PROXY
    assert client(XFF_RECURSIVE, PROXY, ("X-Forwarded-For", "1.2.3.4, junk, 10.1.1.1")) == "10.1.1.1"


def test_addresses_with_ports_and_ipv6():
    assert client(XFF, PROXY, ("X-Forwarded-For", "1.2.3.4:5678")) == "1.2.3.4"
    assert client(XFF, PROXY, ("X-Forwarded-For", "[2001:db8::1]:443")) == "2001:db8::1"
    assert client(XFF, PROXY, ("X-Forwarded-For", "2001:db8::2")) == "2001:db8::2"


def test_x_real_ip_reads_the_first_line_only():
    real_ip = RealIp(parse_trusted(["10.0.0.0/8"]))
    assert client(real_ip, PROXY, ("X-Real-IP", "1.2.3.4"), ("X-Real-IP", "5.6.7.8")) == "1.2.3.4"
    assert client(real_ip, PROXY, ("X-Forwarded-For", "9.9.9.9")) == PROXY, "the header is X-Real-IP"


def test_unix_sockets_are_accepted_and_never_match_an_address():
    assert parse_trusted(["unix:", "::1"]) == parse_trusted(["::1"])
