"""What the saga needs from the cinema and payment services, independent of transport.

Adapters in ``handlers/booking/adapters/`` implement these over gRPC and REST; unit tests
use in-memory fakes. Every method raises ``DependencyUnavailable`` when its dependency
times out or is down.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class HeldSeats:
    hold_id: str
    seat_ids: list[str]
    held_until: datetime
    total_minor: int
    currency: str


@dataclass(frozen=True)
class SeatView:
    seat_id: str
    row: str | None
    number: int | None
    state: str  # AVAILABLE | HELD | SOLD


class SeatsUnavailable(Exception):
    def __init__(self, seat_ids: list[str]):
        super().__init__(f"seats unavailable: {','.join(seat_ids)}")
        self.seat_ids = seat_ids


class HoldLost(Exception):
    """The hold expired or was released before it could be confirmed."""


class UnknownShowtime(Exception):
    """The inventory knows no such showtime."""


class InvalidSeats(Exception):
    """The seat selection is malformed (bad ids, none, too many, repeated)."""


class ChargeRefused(Exception):
    """The payment service refused the request itself (nothing was charged)."""


class SeatInventory(Protocol):
    async def hold(
        self, showtime_id: str, seat_ids: list[str], hold_id: str, ttl_seconds: int
    ) -> HeldSeats: ...

    async def confirm(self, hold_id: str, booking_id: str) -> None: ...

    async def release(self, hold_id: str) -> None: ...

    async def seat_map(self, showtime_id: str) -> list[SeatView]: ...


@dataclass(frozen=True)
class Payment:
    payment_id: str
    status: str  # succeeded | failed | refunded (anything else counts as not captured)
    reason: str | None = None

    @property
    def captured(self) -> bool:
        return self.status in ("succeeded", "refunded", "partially_refunded")


class Payments(Protocol):
    async def charge(self, booking_id: str, amount: int, currency: str, token: str, bearer: str) -> Payment:
        """Charge with ``booking_id`` as the Idempotency-Key; a decline is a Payment with status failed."""

    async def find_for_booking(self, booking_id: str, bearer: str) -> Payment | None: ...

    async def refund(self, payment_id: str, amount: int, bearer: str) -> str:
        """Refund a captured payment (idempotent per payment); returns the refund id."""


class Catalog(Protocol):
    async def movies(self) -> list[dict[str, Any]]: ...

    async def showtimes(self, filters: dict[str, Any]) -> list[dict[str, Any]]: ...

    async def showtime(self, showtime_id: str) -> dict[str, Any] | None: ...


class Credentials(Protocol):
    def for_user(self, user_id: str) -> str:
        """A bearer token the booking service may use for ``user_id`` when no request carries one."""
