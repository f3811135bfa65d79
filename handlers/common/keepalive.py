"""HTTP clients that call a uvicorn server (a service, or the gateway's upstreams) drop an idle
connection before the server does.

uvicorn closes a keep-alive connection idle for ``timeout_keep_alive`` (5 s); httpx keeps one for 5 s
too by default. A request sent on a connection the server is closing at that instant fails with
``ReadError`` although the server never saw it: the fault suite met it as a gateway 502 and as a
``confirmBooking`` answered 503 (booking -> payment) with no fault in progress.
"""

import httpx

IDLE_SECONDS = 2.0  # below uvicorn's timeout_keep_alive (tests/unit/common/test_common_keepalive.py)


def limits(**pool: int | None) -> httpx.Limits:
    """httpx's defaults (``pool``: max_connections, max_keepalive_connections) but ``IDLE_SECONDS``."""
    return httpx.Limits(keepalive_expiry=IDLE_SECONDS, **pool)
