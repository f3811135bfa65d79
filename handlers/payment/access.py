"""Who may see which payment: the owner, or an admin. Anyone else gets a 404 (no existence leak)."""

from handlers.common.auth import Principal
from handlers.common.problems import NotFound
from handlers.payment.models import Payment

MAX_LISTED = 100


async def visible_payment(principal: Principal, payment_id: str) -> Payment:
    payment = await Payment.get(payment_id)
    if payment is None or not (principal.is_admin or payment.user_id == principal.user_id):
        raise NotFound(f"Payment {payment_id} does not exist.")
    return payment


async def visible_payments(principal: Principal, booking_id: str | None = None) -> list[Payment]:
    query: dict[str, str] = {}
    if booking_id is not None:
        query["booking_id"] = booking_id
    if not principal.is_admin:
        query["user_id"] = principal.user_id
    return await Payment.find(query).sort(-Payment.created_at).limit(MAX_LISTED).to_list()
