"""Refunds: full or partial, never more than was captured, recorded only once the processor answered.

1. a ``pending`` ledger entry reserves the amount (unique (payment_id, sequence): of two racing
   refunds one re-reads the ledger and re-checks the bound);
2. the processor asked to refund with the entry's id as its reference (once per reference);
3. the transaction log entry, then the entry marked ``succeeded`` with its ``payment.refunded``
   event.

The entry's id comes from the idempotency key: a request that takes over a key whose process
died finds the pending entry and finishes it, asking the processor again with the same reference,
which answers the first refund instead of refunding twice.
"""

from pymongo.errors import DuplicateKeyError

from generated.events.models import PaymentRefundedData
from generated.openapi.payment import RefundRequest
from handlers.common import documents
from handlers.common.outbox import recorded_update
from handlers.common.problems import Conflict, Unprocessable
from handlers.payment.access import Caller, visible_payment
from handlers.payment.idempotency import Response
from handlers.payment.models import Payment, Refund, TransactionLogEntry, insert_once
from handlers.payment.processor import Outcome, SimulatedProcessor
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
    entry = await Refund.get(f"re_{resource_id}") or await _reserve(payment, request, f"re_{resource_id}")
    if entry.status == "pending":
        # The simulated processor refunds any part of a capture it made, so it always approves.
        outcome = await processor.refund(entry.id, entry.amount)
        await insert_once(_log_entry(entry, outcome))
        entry = await _mark_refunded(payment, entry.id, outcome)
    return 201, refund_view(entry)


async def _reserve(payment: Payment, request: RefundRequest, refund_id: str) -> Refund:
    """The next ledger entry, pending, or a 422 when it would exceed what is left to refund."""
    if payment.status != "succeeded":
        raise Conflict("Only a succeeded payment can be refunded.", payment_status=payment.status)
    for _ in range(MAX_ATTEMPTS):
        ledger = await Refund.find(Refund.payment_id == payment.id).to_list()
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
            status="pending",
        )
        try:
            await entry.insert()
        except DuplicateKeyError:
            if (stored := await Refund.get(refund_id)) is not None:  # a run under this key stored it
                return stored
            continue  # a racing refund took this ledger position: re-read and re-check the bound
        return entry
    raise Conflict("Too many refunds of this payment at once; retry.")


def _log_entry(entry: Refund, outcome: Outcome) -> TransactionLogEntry:
    return TransactionLogEntry(
        id=entry.id,
        payment_id=entry.payment_id,
        kind="refund",
        amount=entry.amount,
        currency=entry.currency,
        approved=outcome.approved,
        processor_reference=outcome.reference,
    )


async def _mark_refunded(payment: Payment, refund_id: str, outcome: Outcome) -> Refund:
    """The entry marked succeeded with its event, once (one guarded update, conditioned on pending)."""
    entry = await Refund.get(refund_id)
    if entry is None:
        raise LookupError(f"refund {refund_id} vanished from the ledger")
    if entry.status == "pending":
        data = PaymentRefundedData(
            payment_id=payment.id,
            refund_id=entry.id,
            booking_id=payment.booking_id,
            user_id=payment.user_id,
            amount=entry.amount,
            currency=entry.currency,
        )
        recorded = recorded_update(entry.record_event("payment.refunded", data))
        marked = {"status": "succeeded", "processor_reference": outcome.reference, **recorded["$set"]}
        change = {"$set": marked, "$push": recorded["$push"]}
        raw = await documents.update(Refund, refund_id, change, condition={"status": "pending"})
        # None: a concurrent call marked it first; read what it stored
        entry = Refund.model_validate(raw) if raw is not None else await Refund.get(refund_id) or entry
    return entry
