"""Who may see which payment: its owner, an admin, or the booking service (which charged it).

Anyone else gets a 404 (no existence leak).
"""

from beanie import SortDirection

from handlers.common.auth import Principal, ServiceCaller
from handlers.common.problems import NotFound
from handlers.payment.models import Payment

MAX_LISTED = 100
Caller = Principal | ServiceCaller


def owner_seen(caller: Caller) -> str | None:
    """The user whose payments ``caller`` may see; None when it may see them all."""
    if isinstance(caller, ServiceCaller) or caller.is_admin:
        return None
    return caller.user_id


async def visible_payment(caller: Caller, payment_id: str) -> Payment:
    payment, owner = await Payment.get(payment_id), owner_seen(caller)
    if payment is None or owner not in (None, payment.user_id):
        raise NotFound(f"Payment {payment_id} does not exist.")
    return payment


async def visible_payments(caller: Caller, booking_id: str | None = None) -> list[Payment]:
    query: dict[str, str] = {}
    if booking_id is not None:
        query["booking_id"] = booking_id
    if (owner := owner_seen(caller)) is not None:
        query["user_id"] = owner
    newest_first = [("created_at", SortDirection.DESCENDING)]
    return await Payment.find(query).sort(newest_first).limit(MAX_LISTED).to_list()
