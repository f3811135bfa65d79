"""Every HTTP client between processes of the mesh drops an idle connection before the uvicorn server
at the other end does, so it never sends a request on a connection that server is closing (a
ReadError, answered 502 by the gateway and 503 by booking, for a request that was never seen)."""

import httpx
import pytest
import uvicorn

from handlers.booking.app import _real_deps
from handlers.booking.settings import BookingSettings
from handlers.common import keepalive

pytestmark = pytest.mark.unit
SERVER_IDLE_SECONDS = uvicorn.Config(app=None).timeout_keep_alive


def idle_expiry(client: httpx.AsyncClient) -> float | None:
    return client._transport._pool._keepalive_expiry  # type: ignore[attr-defined]


def test_the_shared_idle_time_is_below_uvicorns():
    assert keepalive.limits().keepalive_expiry == keepalive.IDLE_SECONDS < SERVER_IDLE_SECONDS


async def test_bookings_clients_of_payment_and_cinema_drop_idle_connections_first():
    async with _real_deps(BookingSettings()) as deps:
        payment = deps.payments._client._http  # type: ignore[attr-defined]
        cinema = deps.catalog._client  # type: ignore[attr-defined]
        assert idle_expiry(payment) < SERVER_IDLE_SECONDS
        assert idle_expiry(cinema) < SERVER_IDLE_SECONDS


def test_a_default_httpx_client_would_not():
    """What the fault suite met: httpx's default idle time is not below uvicorn's."""
    assert httpx.Limits().keepalive_expiry >= SERVER_IDLE_SECONDS
