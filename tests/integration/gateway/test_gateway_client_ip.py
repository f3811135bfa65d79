"""Behind a trusted proxy (trusted_ips, real_ip_header X-Forwarded-For, recursive): per-client limits."""

import random
from collections.abc import Iterator

import httpx
import pytest

from .harness import gateway_settings, serve_gateway

pytestmark = pytest.mark.integration
PROXY = "127.0.0.1"


@pytest.fixture(scope="module")
def behind_proxy(keys_dir, upstream_url) -> Iterator[str]:
    settings = gateway_settings(
        keys_dir,
        upstream_url,
        trusted_ips=[PROXY, "10.0.0.0/8"],
        real_ip_header="X-Forwarded-For",
        real_ip_recursive=True,
    )
    with serve_gateway(settings, name="gateway-behind-proxy") as url:
        yield url


def some_client() -> str:
    return f"198.51.{random.randint(0, 255)}.{random.randint(1, 254)}"


def test_the_proxy_named_client_is_the_client(behind_proxy):
    client = some_client()
    sent = {"X-Forwarded-For": f"6.6.6.6, {client}, 10.1.2.3", "X-Forwarded-Proto": "https"}
    echoed = httpx.get(f"{behind_proxy}/movies", headers=sent).json()["headers"]
    assert echoed["x-real-ip"] == client, "6.6.6.6 is only what the client claimed; 10.1.2.3 is trusted"
    assert echoed["x-forwarded-for"] == f"6.6.6.6, {client}, 10.1.2.3, {PROXY}"
    assert echoed["x-forwarded-proto"] == "https", "a trusted proxy's X-Forwarded-Proto is kept"


def test_each_client_behind_the_proxy_has_its_own_login_limit(behind_proxy):
    greedy, other = some_client(), some_client()
    with httpx.Client(base_url=behind_proxy) as proxy:
        statuses = [
            proxy.post("/auth/token", json={}, headers={"X-Forwarded-For": greedy}).status_code
            for _ in range(21)
        ]
        assert statuses == [200] * 20 + [429]
        assert proxy.post("/auth/token", json={}, headers={"X-Forwarded-For": other}).status_code == 200


def test_an_untrusted_peer_is_the_client_even_here(behind_proxy):
    peer = f"127.{random.randint(1, 254)}.{random.randint(0, 254)}.{random.randint(1, 254)}"
    transport = httpx.HTTPTransport(local_address=peer)
    with httpx.Client(base_url=behind_proxy, transport=transport) as direct:
        sent = {"X-Forwarded-For": some_client(), "X-Forwarded-Proto": "https"}
        echoed = direct.get("/movies", headers=sent).json()["headers"]
    assert echoed["x-real-ip"] == peer
    assert echoed["x-forwarded-proto"] == "http"
