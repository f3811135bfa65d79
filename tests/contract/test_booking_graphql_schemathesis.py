"""Schemathesis over contracts/graphql/booking.graphql against the booking app in-process.

Every generated query and mutation is sent with a valid JWT to the real resolvers, saga and
MongoDB-wire database (``bookings_contract_test``); the cinema and payment services are
small in-memory stand-ins, so the run fuzzes this service's contract and error mapping alone.
No answer may be a 5xx or carry an INTERNAL_SERVER_ERROR."""

from datetime import UTC, datetime, timedelta

import pytest
import schemathesis

from handlers.booking.app import create_app
from handlers.booking.deps import SagaDeps
from handlers.booking.ports import (
    HeldSeats,
    InvalidSeats,
    Payment,
    SeatsUnavailable,
    SeatView,
    UnknownShowtime,
)
from handlers.booking.resolvers import SDL_PATH
from handlers.booking.settings import BookingSettings
from handlers.common.signing import sign_token

pytestmark = pytest.mark.contract
SHOWTIMES = {
    str(n): {"id": str(n), "movie_id": "1", "starts_at": datetime.now(UTC) + timedelta(days=2)}
    for n in (1, 2)
}
SEATS = [f"{row}-{number}" for row in "AB" for number in range(1, 6)]


class Inventory:
    def __init__(self):
        self.holds: dict[str, tuple[str, list[str]]] = {}

    async def hold(self, showtime_id, seat_ids, hold_id, ttl_seconds):
        if showtime_id not in SHOWTIMES:
            raise UnknownShowtime(showtime_id)
        if any(seat not in SEATS for seat in seat_ids):
            raise InvalidSeats("unknown seat id")
        taken = {
            seat
            for key, (show, seats) in self.holds.items()
            if show == showtime_id and key != hold_id
            for seat in seats
        }
        if clash := sorted(set(seat_ids) & taken):
            raise SeatsUnavailable(clash)
        self.holds[hold_id] = (showtime_id, sorted(seat_ids))
        return HeldSeats(
            hold_id, sorted(seat_ids), datetime.now(UTC) + timedelta(minutes=10), 1000 * len(seat_ids), "EUR"
        )

    async def confirm(self, hold_id, booking_id):
        return None

    async def release(self, hold_id):
        self.holds.pop(hold_id, None)

    async def seat_map(self, showtime_id):
        if showtime_id not in SHOWTIMES:
            raise UnknownShowtime(showtime_id)
        return [SeatView(seat, seat[0], int(seat[2:]), "AVAILABLE") for seat in SEATS]


class Payments:
    async def charge(self, booking_id, user_id, amount, currency, token):
        status = "failed" if "declined" in token else "succeeded"
        return Payment(f"pay_{booking_id[:8]}", status, amount, currency, user_id, "card_declined")

    async def find_for_booking(self, booking_id):
        return None

    async def refund(self, payment_id):
        return f"re_{payment_id}"


class Catalog:
    async def movies(self):
        return [{"id": "1", "title": "Seat A-7", "duration_minutes": 98, "rating": "PG"}]

    async def showtimes(self, filters):
        return [{**showtime, "price": {"amount": 1000, "currency": "EUR"}} for showtime in SHOWTIMES.values()]

    async def showtime(self, showtime_id):
        return SHOWTIMES.get(showtime_id)


def token(booking_settings: BookingSettings) -> str:
    return sign_token(booking_settings, "fuzzer", "user", 3600)


booking_settings = BookingSettings(mongo_db="bookings_contract_test", outbox_relay=False, environment="test")
app = create_app(booking_settings, SagaDeps(Inventory(), Payments(), Catalog()))
schema = schemathesis.graphql.from_path(SDL_PATH)
schema.app = app
HEADERS = {"Authorization": f"Bearer {token(booking_settings)}"}


@schema.parametrize()
def test_no_internal_server_errors(case):
    response = case.call(base_url="http://localhost/graphql", headers=HEADERS)
    assert response.status_code < 500, response.text
    body = response.json()
    codes = [error.get("extensions", {}).get("code") for error in body.get("errors") or []]
    assert "INTERNAL_SERVER_ERROR" not in codes, body
    assert None not in codes, body  # every error carries extensions.code
