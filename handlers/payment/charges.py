"""Charges in three steps, each safe to repeat: store the intent, ask the processor, store the outcome.

1. a ``ChargeIntent`` under the payment's id (derived from the idempotency key);
2. the processor asked to charge with that id as its reference (it charges once per reference);
3. the transaction log entry, then the ``Payment`` with its event, under the same id.

A request that takes over a key whose process died runs the same steps from where they stand: a
stored payment is the answer; an intent without a payment is finished by asking the processor
again with the same reference, which answers the first outcome instead of charging again. Every
insert is ``insert_once``, so a step a dead run already did is read back, not done twice.
"""

from datetime import timedelta
from typing import get_args

from generated.events.models import PaymentFailedData, PaymentSucceededData
from generated.openapi.payment import PaymentRequest
from handlers.common.observability.metrics import PAYMENTS
from handlers.common.problems import ServiceUnavailable, Unprocessable
from handlers.payment.idempotency import Response
from handlers.payment.models import ChargeIntent, Payment, TransactionLogEntry, insert_once, now
from handlers.payment.processor import Outcome, SimulatedProcessor
from handlers.payment.views import payment_views

for _outcome in get_args(Payment.model_fields["status"].annotation):  # every series from 0
    PAYMENTS.labels(_outcome)


async def charge(request: PaymentRequest, processor: SimulatedProcessor, resource_id: str) -> Response:
    payment_id = f"pay_{resource_id}"
    payment = await Payment.get(payment_id)
    if payment is None:
        intent = await ChargeIntent.get(payment_id)
        if intent is None:
            if not processor.knows(request.payment_token):
                raise Unprocessable("The payment token is not known to the processor; nothing was charged.")
            intent = await insert_once(_intent(payment_id, request))
        payment = await _finish(intent, processor)
    [view] = await payment_views([payment])
    return 201, view


async def settle_unfinished(booking_id: str, processor: SimulatedProcessor, lease_seconds: float) -> None:
    """Before a booking's payments are read: no charge of it may be left without its outcome.

    An intent whose request died after asking the processor would otherwise stay invisible (the
    API shows a payment once its outcome is stored) and a reader would conclude "nothing was
    charged". Past the idempotency lease its request is dead: finish it (the processor answers the
    first outcome for the same reference). Within the lease it may still be running: 503, ask again.
    """
    abandoned_before = now() - timedelta(seconds=lease_seconds)
    async for intent in ChargeIntent.find(ChargeIntent.booking_id == booking_id):
        if await Payment.get(intent.id) is not None:
            continue
        if intent.created_at > abandoned_before:
            raise ServiceUnavailable(
                f"A charge for booking {booking_id} is still being processed; ask again shortly."
            )
        await _finish(intent, processor)


async def _finish(intent: ChargeIntent, processor: SimulatedProcessor) -> Payment:
    outcome = await processor.charge(intent.payment_token, reference=intent.id)
    await insert_once(_log_entry(intent, outcome))
    payment = await insert_once(_payment(intent, outcome))
    PAYMENTS.labels(payment.status).inc()
    return payment


def _intent(payment_id: str, request: PaymentRequest) -> ChargeIntent:
    return ChargeIntent(
        id=payment_id,
        booking_id=request.booking_id,
        user_id=request.user_id,
        amount=request.amount,
        currency=request.currency,
        payment_token=request.payment_token,
    )


def _log_entry(intent: ChargeIntent, outcome: Outcome) -> TransactionLogEntry:
    return TransactionLogEntry(
        id=intent.id,
        payment_id=intent.id,
        kind="charge",
        amount=intent.amount,
        currency=intent.currency,
        approved=outcome.approved,
        reason=outcome.reason,
        processor_reference=outcome.reference,
    )


def _payment(intent: ChargeIntent, outcome: Outcome) -> Payment:
    payment = Payment(
        id=intent.id,
        booking_id=intent.booking_id,
        user_id=intent.user_id,
        amount=intent.amount,
        currency=intent.currency,
        status="succeeded" if outcome.approved else "failed",
        failure_reason=outcome.reason,
        processor_reference=outcome.reference,
    )
    payment.record_event(*_event(payment))
    return payment


def _event(payment: Payment) -> tuple[str, PaymentSucceededData | PaymentFailedData]:
    fields = {
        "payment_id": payment.id,
        "booking_id": payment.booking_id,
        "user_id": payment.user_id,
        "amount": payment.amount,
        "currency": payment.currency,
    }
    if payment.status == "succeeded":
        return "payment.succeeded", PaymentSucceededData(**fields)
    return "payment.failed", PaymentFailedData(**fields, reason=payment.failure_reason)
