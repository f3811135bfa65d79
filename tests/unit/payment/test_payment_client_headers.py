"""What the payment client sends besides the body: the user's token and the correlation id."""

import httpx
import pytest

from handlers.common.correlation import correlation_id_bound
from handlers.payment.client import PaymentClient

pytestmark = pytest.mark.unit


async def test_the_token_and_the_current_correlation_id_go_with_every_call():
    seen: list[tuple[str | None, str | None]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append((request.headers.get("authorization"), request.headers.get("x-correlation-id")))
        return httpx.Response(200, json={"items": []})

    async with PaymentClient("http://payment.test", transport=httpx.MockTransport(answer)) as client:
        with correlation_id_bound("corr-7"):
            await client.get_payments_for_booking("tok-a", "bkg_1")
        await client.get_payments_for_booking("tok-b", "bkg_1")
    assert seen == [("Bearer tok-a", "corr-7"), ("Bearer tok-b", None)]
