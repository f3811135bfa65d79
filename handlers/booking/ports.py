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
    """The payment service refused the charge itself (e.g. an unknown card token): nothing was charged."""


class ChargeInProgress(Exception):
    """Another charge under this booking's key is still running or was made with another request.

    Nothing new was charged; that charge's outcome stands and is learned by looking it up.
    """


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
    status: str  # succeeded (captured) | failed
    amount: int
    currency: str
    user_id: str
    reason: str | None = None
    refunded_amount: int = 0

    @property
    def captured(self) -> bool:
        return self.status == "succeeded"

    def pays_for(self, amount: int, currency: str, user_id: str) -> bool:
        """A capture of exactly this amount, currency and owner, none of it refunded."""
        paid = (self.amount, self.currency, self.user_id) == (amount, currency, user_id)
        return self.captured and paid and self.refunded_amount == 0


class Payments(Protocol):
    """The booking service's own calls to payment (its service token, never a user's)."""

    async def charge(self, booking_id: str, user_id: str, amount: int, currency: str, token: str) -> Payment:
        """Charge with ``booking_id`` as the Idempotency-Key; a decline is a Payment with status failed.

        Raises ``ChargeRefused`` (nothing charged) or ``ChargeInProgress`` (another charge's
        outcome stands)."""

    async def find_for_booking(self, booking_id: str) -> Payment | None: ...

    async def refund(self, payment_id: str) -> str:
        """Refund what is left of a captured payment (idempotent per payment); returns the refund id."""


class Catalog(Protocol):
    async def movies(self) -> list[dict[str, Any]]: ...

    async def showtimes(self, filters: dict[str, Any]) -> list[dict[str, Any]]: ...

    async def showtime(self, showtime_id: str) -> dict[str, Any] | None: ...
