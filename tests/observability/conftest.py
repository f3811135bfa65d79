"""One traced mesh of these tests' own for the whole directory (tests/observability/mesh.py), and the
booking journey through its gateway."""

import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from generated.graphql_client import BookingStatus
from mesh import journey
from tests.observability.mesh import TracedMesh, traced_mesh


@pytest.fixture(scope="session")
def mesh() -> Iterator[TracedMesh]:
    with traced_mesh() as started:
        yield started


@dataclass(frozen=True)
class Booked:
    booking_id: str
    trace_id: str
    correlation_id: str


async def book(gateway_url: str) -> Booked:
    """Register, log in, hold two free seats and pay, as one client whose GraphQL calls carry one
    ``traceparent`` (createBooking and confirmBooking: one trace) and one correlation id."""
    trace_id, correlation_id = secrets.token_hex(16), f"obs-{secrets.token_hex(4)}"
    with httpx.Client(base_url=gateway_url, timeout=30) as client:
        user = journey.register(client)
        token = journey.log_in(client, user["email"], user["password"])
        showtime, free = journey.showtime_with_free_seats(client, 2)
    headers = {"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01", "X-Correlation-ID": correlation_id}
    with httpx.Client(base_url=gateway_url, timeout=30, headers=headers) as client:
        async with journey.booking_api(client, token) as api:
            created = await journey.create_booking(api, showtime["id"], [s["seat_id"] for s in free[:2]])
            assert created.booking is not None, created
            confirmed = await journey.confirm_booking(api, created.booking.id)
            assert confirmed.booking is not None, confirmed
            assert confirmed.booking.status == BookingStatus.CONFIRMED, confirmed
    return Booked(created.booking.id, trace_id, correlation_id)
