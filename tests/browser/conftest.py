"""The browser tests of the box office run against the whole mesh through the gateway: the e2e
suite's fixtures (reuse a running ``make up``, or start one on the e2e databases and stop it after)."""

from tests.e2e.conftest import admin_token, gateway, mesh  # noqa: F401 (fixtures)
