"""Who may see which payment: its owner, an admin, or the booking service (which charged it).

Anyone else gets a 404 (no existence leak).
"""

from handlers.common.auth import Principal, ServiceCaller
from handlers.common.problems import NotFound
from handlers.payment.models import Payment

MAX_LISTED = 100
Caller = Principal | ServiceCaller


def sees_all(caller: Caller) -> bool:
    return isinstance(caller, ServiceCaller) or caller.is_admin


async def visible_payment(caller: Caller, payment_id: str) -> Payment:
    payment = await Payment.get(payment_id)
    if payment is None or not (sees_all(caller) or payment.user_id == caller.user_id):
        raise NotFound(f"Payment {payment_id} does not exist.")
    return payment


async def visible_payments(caller: Caller, booking_id: str | None = None) -> list[Payment]:
    query: dict[str, str] = {}
    if booking_id is not None:
        query["booking_id"] = booking_id
    if not sees_all(caller):
        query["user_id"] = caller.user_id
    return await Payment.find(query).sort(-Payment.created_at).limit(MAX_LISTED).to_list()
