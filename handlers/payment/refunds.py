"""Refunds: full or partial, never more than was captured, even when refunds race.

A refund's id comes from its idempotency key, so a run that takes over an abandoned key
answers with the refund the dead run already stored.
"""

from pymongo.errors import DuplicateKeyError

from generated.events.models import PaymentRefundedData
from generated.openapi.payment import RefundRequest
from handlers.common.problems import Conflict, Unprocessable
from handlers.payment.access import Caller, visible_payment
from handlers.payment.idempotency import Response
from handlers.payment.models import Payment, Refund, TransactionLogEntry
from handlers.payment.processor import SimulatedProcessor
from handlers.payment.views import refund_view

MAX_ATTEMPTS = 50


async def refund(
    caller: Caller,
    payment_id: str,
    request: RefundRequest,
    processor: SimulatedProcessor,
    resource_id: str,
) -> Response:
    payment = await visible_payment(caller, payment_id)
    stored = await Refund.get(f"re_{resource_id}")
    if stored is not None:
        return 201, refund_view(stored)
    if payment.status != "succeeded":
        raise Conflict("Only a succeeded payment can be refunded.", payment_status=payment.status)
    for _ in range(MAX_ATTEMPTS):
        ledger = await Refund.find(Refund.payment_id == payment.id).to_list()
        entry = _next_entry(payment, ledger, request, f"re_{resource_id}")
        try:
            await entry.insert()
        except DuplicateKeyError:
            if (stored := await Refund.get(entry.id)) is not None:  # a run under this key stored it
                return 201, refund_view(stored)
            continue  # a racing refund took this ledger position: re-read and re-check the bound
        break
    else:
        raise Conflict("Too many refunds of this payment at once; retry.")
    outcome = await processor.refund()
    await TransactionLogEntry(
        payment_id=payment.id,
        kind="refund",
        amount=entry.amount,
        currency=payment.currency,
        approved=outcome.approved,
        processor_reference=outcome.reference,
    ).insert()
    return 201, refund_view(entry)


def _next_entry(payment: Payment, ledger: list[Refund], request: RefundRequest, refund_id: str) -> Refund:
    """The next ledger entry with its ``payment.refunded`` event, or a 422 when it would exceed."""
    refundable = payment.amount - sum(entry.amount for entry in ledger)
    amount = request.amount or refundable
    if refundable == 0 or amount > refundable:
        raise Unprocessable("The refund exceeds what is left to refund.", refundable_amount=refundable)
    entry = Refund(
        id=refund_id,
        payment_id=payment.id,
        sequence=len(ledger) + 1,
        amount=amount,
        currency=payment.currency,
        reason=request.reason,
    )
    data = PaymentRefundedData(
        payment_id=payment.id,
        refund_id=entry.id,
        booking_id=payment.booking_id,
        user_id=payment.user_id,
        amount=amount,
        currency=payment.currency,
    )
    entry.record_event("payment.refunded", data.model_dump(mode="json"))
    return entry
