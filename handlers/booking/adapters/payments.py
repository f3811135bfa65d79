"""``Payments`` over the payment service's own client (``handlers.payment.client.PaymentClient``).

The charge's ``Idempotency-Key`` is the booking id, so a retried or resumed charge returns
the stored payment instead of charging twice; refunds use ``refund-<payment id>``. Every
call passes the bearer token of the user the booking belongs to.
"""

from generated.openapi.payment import Payment as PaymentModel
from handlers.booking.errors import DependencyUnavailable
from handlers.booking.ports import ChargeRefused, Payment
from handlers.payment.client import (
    PaymentClient,
    PaymentDeclined,
    PaymentError,
    PaymentNotFound,
    PaymentRejected,
)


def _unavailable(exc: PaymentError) -> DependencyUnavailable:
    return DependencyUnavailable(
        f"The payment service is unavailable ({exc.status or 'no answer'}); try again."
    )


def _payment(model: PaymentModel) -> Payment:
    return Payment(model.id, str(model.status), model.failure_reason)


class ClientPayments:
    def __init__(self, client: PaymentClient):
        self._client = client

    async def charge(self, booking_id: str, amount: int, currency: str, token: str, bearer: str) -> Payment:
        try:
            return _payment(
                await self._client.create_payment(bearer, booking_id, amount, currency, token, booking_id)
            )
        except PaymentDeclined as declined:
            return _payment(declined.payment)
        except PaymentRejected as exc:
            if exc.status == 422:
                raise ChargeRefused(exc.problem.get("detail") or str(exc)) from exc
            raise _unavailable(exc) from exc
        except PaymentError as exc:
            raise _unavailable(exc) from exc

    async def find_for_booking(self, booking_id: str, bearer: str) -> Payment | None:
        try:
            found = await self._client.get_payments_for_booking(bearer, booking_id)
        except PaymentError as exc:
            raise _unavailable(exc) from exc
        payments = [_payment(item) for item in found]
        captured = [payment for payment in payments if payment.captured]
        return (captured or payments or [None])[0]

    async def refund(self, payment_id: str, amount: int, bearer: str) -> str:
        try:
            refund = await self._client.refund(
                bearer, payment_id, f"refund-{payment_id}", reason="booking cancelled or expired"
            )
            return refund.id
        except (PaymentRejected, PaymentNotFound) as exc:
            rejected = exc
        except PaymentError as exc:
            raise _unavailable(exc) from exc
        try:  # refunded before, e.g. under another caller's key: the refund is done
            paid = await self._client.get_payment(bearer, payment_id)
        except PaymentError as exc:
            raise _unavailable(exc) from exc
        if paid.refunds and paid.refunded_amount >= paid.amount:
            return paid.refunds[-1].id
        raise _unavailable(rejected)
