"""The saga's collaborators, bundled once per app."""

from dataclasses import dataclass

from handlers.booking.ports import Catalog, Credentials, Payments, SeatInventory


@dataclass
class SagaDeps:
    inventory: SeatInventory
    payments: Payments
    catalog: Catalog
    credentials: Credentials
    hold_ttl_seconds: int = 600
