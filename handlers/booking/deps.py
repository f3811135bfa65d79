"""The saga's collaborators, bundled once per app."""

from dataclasses import dataclass

from handlers.booking.ports import Catalog, Payments, SeatInventory


@dataclass
class SagaDeps:
    inventory: SeatInventory
    payments: Payments
    catalog: Catalog
    hold_ttl_seconds: int = 600
    # How long the request that drives a CONFIRMING booking holds it (longer than any one step).
    lease_seconds: float = 30.0
