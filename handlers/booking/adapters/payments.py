"""``Payments`` over the payment service's own client (``handlers.payment.client.PaymentClient``).

Every call carries the booking service's own token (``ServiceToken(settings, "booking",
audience="payment")``): payment lets only booking charge and refund, and booking reads every
payment. A charge names the booking's owner (``user_id``) and uses the booking id as its
``Idempotency-Key``, so a retried or resumed charge returns the stored payment instead of
charging twice; refunds use ``refund-<payment id>``.

Answers to a charge: 201 is the outcome (approved or declined); 409 (the first request with
this key is still running) and the 422 ``idempotency-key-reused`` problem mean another charge's
outcome stands (``ChargeInProgress``); any other 422 refused the charge, nothing was charged
(``ChargeRefused``); anything else leaves the outcome unknown (``DependencyUnavailable``).
"""

from collections.abc import Callable

from generated.openapi.payment import Payment as PaymentModel
from handlers.booking.errors import DependencyUnavailable
from handlers.booking.ports import ChargeInProgress, ChargeRefused, Payment
from handlers.common.problems import PROBLEM_BASE
from handlers.common.signing import MissingSigningKey
from handlers.payment.client import (
    PaymentClient,
    PaymentDeclined,
    PaymentError,
    PaymentNotFound,
    PaymentRejected,
)
from handlers.payment.idempotency import KeyReused

KEY_REUSED = PROBLEM_BASE + KeyReused.slug


def _unavailable(exc: PaymentError) -> DependencyUnavailable:
    return DependencyUnavailable(
        f"The payment service is unavailable ({exc.status or 'no answer'}); try again."
    )


def _payment(model: PaymentModel) -> Payment:
    return Payment(
        payment_id=model.id,
        status=str(model.status),
        amount=model.amount,
        currency=model.currency,
        user_id=model.user_id,
        reason=model.failure_reason,
        refunded_amount=model.refunded_amount,
    )


def _refused(exc: PaymentRejected) -> Exception:
    detail = exc.problem.get("detail") or str(exc)
    if exc.status == 409 or exc.problem.get("type") == KEY_REUSED:
        return ChargeInProgress(detail)
    return ChargeRefused(detail)


class ClientPayments:
    def __init__(self, client: PaymentClient, token: Callable[[], str]):
        self._client = client
        self._token = token

    def _bearer(self) -> str:
        try:
            return self._token()
        except MissingSigningKey as exc:
            raise DependencyUnavailable("The booking service has no signing key to call payment.") from exc

    async def charge(self, booking_id: str, user_id: str, amount: int, currency: str, token: str) -> Payment:
        try:
            paid = await self._client.create_payment(
                self._bearer(), booking_id, amount, currency, token, booking_id, user_id=user_id
            )
        except PaymentDeclined as declined:
            return _payment(declined.payment)
        except PaymentRejected as exc:
            raise _refused(exc) from exc
        except PaymentError as exc:
            raise _unavailable(exc) from exc
        return _payment(paid)

    async def find_for_booking(self, booking_id: str) -> Payment | None:
        try:
            found = await self._client.get_payments_for_booking(self._bearer(), booking_id)
        except PaymentError as exc:
            raise _unavailable(exc) from exc
        payments = [_payment(item) for item in found]
        captured = [payment for payment in payments if payment.captured]
        return next(iter(captured or payments), None)

    async def refund(self, payment_id: str) -> str:
        try:
            refund = await self._client.refund(
                self._bearer(), payment_id, f"refund-{payment_id}", reason="booking cancelled or expired"
            )
            return refund.id
        except (PaymentRejected, PaymentNotFound) as exc:
            rejected = exc
        except PaymentError as exc:
            raise _unavailable(exc) from exc
        try:  # refunded before, e.g. under another key: the refund is done
            paid = await self._client.get_payment(self._bearer(), payment_id)
        except PaymentError as exc:
            raise _unavailable(exc) from exc
        if paid.refunds and paid.refunded_amount >= paid.amount:
            return paid.refunds[-1].id
        raise _unavailable(rejected)
