"""Fixtures: one recording echo upstream and the local gateway (the real kong.yml) in front of it."""

from collections.abc import Iterator

import pytest

from .harness import Upstream, gateway_settings, serve, serve_gateway, upstream_app


@pytest.fixture(scope="session")
def upstream() -> Iterator[Upstream]:
    recorded = Upstream()
    with serve(upstream_app(recorded), name="echo-upstream") as url:
        recorded.url = url
        yield recorded


@pytest.fixture(scope="session")
def upstream_url(upstream) -> str:
    return upstream.url


@pytest.fixture(scope="session")
def gateway_url(keys_dir, upstream_url) -> Iterator[str]:
    """The real kong/kong.yml, every service pointed at the echo upstream."""
    with serve_gateway(gateway_settings(keys_dir, upstream_url)) as url:
        yield url
