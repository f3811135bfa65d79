"""Payments and refunds as the contract shows them (generated models at the edge).

A refund the processor has not answered yet (a pending ledger entry) is not shown: the amount is
reserved, not refunded.
"""

from generated.openapi.payment import Payment as PaymentView
from generated.openapi.payment import Refund as RefundView
from handlers.payment.models import Payment, Refund


def refund_view(refund: Refund) -> dict:
    return RefundView(
        id=refund.id,
        payment_id=refund.payment_id,
        amount=refund.amount,
        currency=refund.currency,
        status=refund.status,
        reason=refund.reason,
        created_at=refund.created_at,
    ).model_dump(mode="json")


def payment_view(payment: Payment, refunds: list[Refund]) -> dict:
    refunds = sorted((r for r in refunds if r.status == "succeeded"), key=lambda refund: refund.sequence)
    return PaymentView(
        id=payment.id,
        booking_id=payment.booking_id,
        user_id=payment.user_id,
        amount=payment.amount,
        currency=payment.currency,
        status=payment.status,
        failure_reason=payment.failure_reason,
        refunded_amount=sum(refund.amount for refund in refunds),
        refunds=[refund_view(refund) for refund in refunds],
        created_at=payment.created_at,
    ).model_dump(mode="json")


async def payment_views(payments: list[Payment]) -> list[dict]:
    """Views of ``payments`` with their refunds, read in one query."""
    refunds = await Refund.find({"payment_id": {"$in": [payment.id for payment in payments]}}).to_list()
    by_payment: dict[str, list[Refund]] = {}
    for refund in refunds:
        by_payment.setdefault(refund.payment_id, []).append(refund)
    return [payment_view(payment, by_payment.get(payment.id, [])) for payment in payments]
