"""GATEWAY_TRUSTED_IPS / _REAL_IP_HEADER / _REAL_IP_RECURSIVE, read the way kong.conf reads them."""

import pytest
from pydantic import ValidationError

from mesh.gateway.settings import GatewaySettings

pytestmark = pytest.mark.unit


def test_nothing_trusted_by_default(monkeypatch):
    for name in ("GATEWAY_TRUSTED_IPS", "GATEWAY_REAL_IP_HEADER", "GATEWAY_REAL_IP_RECURSIVE"):
        monkeypatch.delenv(name, raising=False)
    settings = GatewaySettings()
    assert (settings.trusted_ips, settings.real_ip_header, settings.real_ip_recursive) == (
        [],
        "X-Real-IP",
        False,
    )
    assert settings.real_ip().trusted == ()


def test_kong_style_values_from_the_environment(monkeypatch):
    monkeypatch.setenv("GATEWAY_TRUSTED_IPS", "10.0.0.0/8, 192.168.1.1,::1,unix:")
    monkeypatch.setenv("GATEWAY_REAL_IP_HEADER", "X-Forwarded-For")
    monkeypatch.setenv("GATEWAY_REAL_IP_RECURSIVE", "on")
    real_ip = GatewaySettings().real_ip()
    assert real_ip.is_trusted("10.20.30.40") and real_ip.is_trusted("::1")
    assert not real_ip.is_trusted("11.0.0.1")
    assert (real_ip.header, real_ip.recursive) == ("X-Forwarded-For", True)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("GATEWAY_TRUSTED_IPS", "10.0.0.0/8,proxy.local", "'proxy.local' is not an IPv4/IPv6 address"),
        ("GATEWAY_REAL_IP_HEADER", "proxy_protocol", "proxy_protocol is not implemented"),
    ],
)
def test_refused_values(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=message):
        GatewaySettings()
