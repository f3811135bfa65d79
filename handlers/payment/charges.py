"""Charges: ask the processor once, log the call, store the payment with its event in one insert.

The payment's id comes from its idempotency key: a run that takes over an abandoned key finds
the payment the dead run already stored and answers with it instead of charging again.
"""

from generated.events.models import PaymentFailedData, PaymentSucceededData
from generated.openapi.payment import PaymentRequest
from handlers.common.problems import Unprocessable
from handlers.payment.idempotency import Response
from handlers.payment.models import Payment, TransactionLogEntry
from handlers.payment.processor import SimulatedProcessor
from handlers.payment.views import payment_view, payment_views


async def charge(request: PaymentRequest, processor: SimulatedProcessor, resource_id: str) -> Response:
    stored = await Payment.get(f"pay_{resource_id}")
    if stored is not None:
        [view] = await payment_views([stored])
        return 201, view
    if not processor.knows(request.payment_token):
        raise Unprocessable("The payment token is not known to the processor; nothing was charged.")
    outcome = await processor.charge(request.payment_token)
    payment = Payment(
        id=f"pay_{resource_id}",
        booking_id=request.booking_id,
        user_id=request.user_id,
        amount=request.amount,
        currency=request.currency,
        status="succeeded" if outcome.approved else "failed",
        failure_reason=outcome.reason,
        processor_reference=outcome.reference,
    )
    await TransactionLogEntry(
        payment_id=payment.id,
        kind="charge",
        amount=payment.amount,
        currency=payment.currency,
        approved=outcome.approved,
        reason=outcome.reason,
        processor_reference=outcome.reference,
    ).insert()
    payment.record_event(*_event(payment))
    await payment.insert()
    return 201, payment_view(payment, [])


def _event(payment: Payment) -> tuple[str, dict]:
    fields = {
        "payment_id": payment.id,
        "booking_id": payment.booking_id,
        "user_id": payment.user_id,
        "amount": payment.amount,
        "currency": payment.currency,
    }
    if payment.status == "succeeded":
        return "payment.succeeded", PaymentSucceededData(**fields).model_dump(mode="json")
    return "payment.failed", PaymentFailedData(**fields, reason=payment.failure_reason).model_dump(
        mode="json"
    )
