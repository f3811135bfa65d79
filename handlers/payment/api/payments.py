"""``/payments``: idempotent charges (by the booking service) and reading payments."""

from generated.openapi.payment import PaymentList, PaymentRequest
from handlers.common.rest_auth import caller_from_token_info
from handlers.payment import charges, idempotency
from handlers.payment.access import visible_payment, visible_payments
from handlers.payment.api import idempotency_key, json_body, replayable
from handlers.payment.processor import SimulatedProcessor
from handlers.payment.settings import PaymentSettings
from handlers.payment.views import payment_views


async def create(body: dict, token_info: dict, settings: PaymentSettings, processor: SimulatedProcessor):
    caller = caller_from_token_info(token_info)
    payment_request = PaymentRequest.model_validate(body)
    result = await idempotency.run_once(
        caller.subject,
        "payments",
        idempotency_key(),
        body,
        lambda resource_id: charges.charge(payment_request, processor, resource_id),
        settings.idempotency_wait_seconds,
        settings.idempotency_lease_seconds,
    )
    return replayable(result)


async def search(
    token_info: dict, settings: PaymentSettings, processor: SimulatedProcessor, booking_id: str | None = None
):
    if booking_id is not None:
        await charges.settle_unfinished(booking_id, processor, settings.idempotency_lease_seconds)
    payments = await visible_payments(caller_from_token_info(token_info), booking_id)
    listing = PaymentList.model_validate({"items": await payment_views(payments)})
    return json_body(listing.model_dump(mode="json"))


async def fetch(token_info: dict, payment_id: str):
    payment = await visible_payment(caller_from_token_info(token_info), payment_id)
    [view] = await payment_views([payment])
    return json_body(view)
