"""``/payments/{payment_id}/refunds``: idempotent full or partial refunds."""

from generated.openapi.payment import RefundRequest
from handlers.common.rest_auth import caller_from_token_info
from handlers.payment import idempotency, refunds
from handlers.payment.api import idempotency_key, replayable
from handlers.payment.processor import SimulatedProcessor
from handlers.payment.settings import PaymentSettings


async def create(
    payment_id: str, body: dict, token_info: dict, settings: PaymentSettings, processor: SimulatedProcessor
):
    caller = caller_from_token_info(token_info)
    refund_request = RefundRequest.model_validate(body)
    result = await idempotency.run_once(
        caller.subject,
        f"refunds:{payment_id}",
        idempotency_key(),
        body,
        lambda resource_id: refunds.refund(caller, payment_id, refund_request, processor, resource_id),
        settings.idempotency_wait_seconds,
        settings.idempotency_lease_seconds,
    )
    return replayable(result)
