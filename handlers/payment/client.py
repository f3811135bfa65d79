"""Async client of the payment service (contracts/openapi/payment.yaml 2.0.0) for the booking saga.

Every method takes the bearer token to send. Charges and refunds accept only the booking
service's own token (``ServiceToken(settings, "booking", audience="payment")()``); reads accept
it too, or a user's token (their own payments only). ``user_id`` is the booking's owner, who is
charged and may read the payment. Results are the contract's generated models::

    async with PaymentClient("http://127.0.0.1:8104") as payments:
        payment = await payments.create_payment(service_token(), booking_id, 2400, "EUR",
                                                "tok_visa_success", idempotency_key=booking_id,
                                                user_id=booking_owner)

``create_payment`` raises ``PaymentDeclined`` (with the stored payment) when the processor
said no. ``PaymentUnavailable`` means the outcome is unknown: retry with the SAME key.
"""

from typing import Any

import httpx

from generated.openapi.payment import Payment, PaymentList, Refund
from handlers.common import keepalive
from handlers.common.correlation import outgoing_headers


class PaymentError(Exception):
    """The payment service answered with a problem (``status``, ``problem``) or not at all."""

    def __init__(self, message: str, status: int | None = None, problem: dict[str, Any] | None = None):
        super().__init__(message)
        self.status = status
        self.problem = problem or {}


class PaymentDeclined(PaymentError):
    def __init__(self, payment: Payment):
        super().__init__(f"payment {payment.id} failed: {payment.failure_reason}", 201)
        self.payment = payment
        self.reason = payment.failure_reason


class PaymentUnauthorized(PaymentError):
    """401: the token is missing, expired or invalid."""


class PaymentForbidden(PaymentError):
    """403: a genuine token that may not make this call (a user's token on a charge or refund)."""


class PaymentNotFound(PaymentError):
    """404: no such payment, or not one this caller may see."""


class PaymentRejected(PaymentError):
    """409/422: key reused with another body, unknown token, refund over the bound, not refundable."""


class PaymentUnavailable(PaymentError):
    """No usable answer (network error, timeout, 5xx): the outcome is unknown; retry with the same key."""


_ERRORS = {
    401: PaymentUnauthorized,
    403: PaymentForbidden,
    404: PaymentNotFound,
    409: PaymentRejected,
    422: PaymentRejected,
}


class PaymentClient:
    def __init__(
        self, base_url: str, timeout: float = 10.0, transport: httpx.AsyncBaseTransport | None = None
    ):
        self._http = httpx.AsyncClient(
            base_url=base_url, timeout=timeout, transport=transport, limits=keepalive.limits()
        )

    async def __aenter__(self) -> "PaymentClient":
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def create_payment(
        self,
        token: str,
        booking_id: str,
        amount: int,
        currency: str,
        payment_token: str,
        idempotency_key: str,
        user_id: str,
    ) -> Payment:
        body = {
            "amount": amount,
            "currency": currency,
            "payment_token": payment_token,
            "booking_id": booking_id,
            "user_id": user_id,
        }
        payment = Payment.model_validate(
            await self._call(
                "POST", "/payments", token, json=body, headers={"Idempotency-Key": idempotency_key}
            )
        )
        if payment.status != "succeeded":
            raise PaymentDeclined(payment)
        return payment

    async def get_payment(self, token: str, payment_id: str) -> Payment:
        return Payment.model_validate(await self._call("GET", f"/payments/{payment_id}", token))

    async def get_payments_for_booking(self, token: str, booking_id: str) -> list[Payment]:
        listing = await self._call("GET", "/payments", token, params={"booking_id": booking_id})
        return PaymentList.model_validate(listing).items

    async def refund(
        self,
        token: str,
        payment_id: str,
        idempotency_key: str,
        amount: int | None = None,
        reason: str | None = None,
    ) -> Refund:
        body = {
            key: value for key, value in {"amount": amount, "reason": reason}.items() if value is not None
        }
        answer = await self._call(
            "POST",
            f"/payments/{payment_id}/refunds",
            token,
            json=body,
            headers={"Idempotency-Key": idempotency_key},
        )
        return Refund.model_validate(answer)

    async def _call(
        self, method: str, path: str, token: str, headers: dict | None = None, **kwargs: Any
    ) -> Any:
        try:
            response = await self._http.request(
                method,
                path,
                headers={"Authorization": f"Bearer {token}", **outgoing_headers(), **(headers or {})},
                **kwargs,
            )
        except httpx.HTTPError as exc:
            raise PaymentUnavailable(f"payment service unreachable: {exc!r}") from exc
        if response.is_success:
            return response.json()
        problem = _problem(response)
        detail = problem.get("detail") or response.reason_phrase
        error = _ERRORS.get(response.status_code)
        if error is None:
            error = PaymentUnavailable if response.status_code >= 500 else PaymentError
        raise error(f"{method} {path}: {response.status_code} {detail}", response.status_code, problem)


def _problem(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
