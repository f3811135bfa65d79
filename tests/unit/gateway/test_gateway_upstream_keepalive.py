"""The gateway drops an idle upstream connection before the upstream (uvicorn) does, so it never
reuses one the upstream is closing (a ReadError, answered 502, for a request the upstream never saw)."""

import pytest
import uvicorn

from mesh.gateway.app import UPSTREAM_KEEPALIVE_SECONDS

pytestmark = pytest.mark.unit


def test_idle_upstream_connections_expire_before_the_upstream_closes_them():
    assert UPSTREAM_KEEPALIVE_SECONDS < uvicorn.Config(app=None).timeout_keep_alive
