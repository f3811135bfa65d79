"""Payments and refunds as the contract shows them, built from the generated models.

Every property of the generated model is read from the stored document (``from_attributes``), so
a property added to the contract and to the document is shown without editing this module; the
payment's ``refunded_amount`` and ``refunds`` come from its refund ledger. A refund the
processor has not answered yet (a pending ledger entry) is not shown: the amount is reserved,
not refunded.
"""

import asyncio

from generated.openapi.payment import Payment as PaymentView
from generated.openapi.payment import Refund as RefundView
from handlers.payment.models import Payment, Refund


def refund_view(refund: Refund) -> dict:
    return RefundView.model_validate(refund, from_attributes=True).model_dump(mode="json")


def payment_view(payment: Payment, refunds: list[Refund]) -> dict:
    shown = sorted((r for r in refunds if r.status == "succeeded"), key=lambda refund: refund.sequence)
    view = PaymentView.model_validate(
        {
            **payment.model_dump(include=set(PaymentView.model_fields)),
            "refunded_amount": sum(refund.amount for refund in shown),
            "refunds": [RefundView.model_validate(refund, from_attributes=True) for refund in shown],
        }
    )
    return view.model_dump(mode="json")


async def payment_views(payments: list[Payment]) -> list[dict]:
    """Views of ``payments`` with their refunds, one equality query per payment: FerretDB v1 serves
    an equality from the (payment_id, sequence) index, but filters an ``$in`` in Go after reading
    every refund ever stored."""
    refunds = await asyncio.gather(
        *(Refund.find(Refund.payment_id == payment.id).to_list() for payment in payments)
    )
    return [payment_view(payment, own) for payment, own in zip(payments, refunds, strict=True)]
