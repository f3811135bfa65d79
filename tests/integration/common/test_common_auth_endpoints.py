"""Every bad token kind is a 401 problem at the user and payment services (zero trust)."""

import pytest

pytestmark = pytest.mark.integration

BAD = [
    "alg-none",
    "hs256-with-public-key",
    "expired",
    "not-yet-valid",
    "wrong-issuer",
    "unknown-kid",
    "tampered-payload",
    "garbage",
]
PAYMENT_ID = "pay_" + "0" * 32
ENDPOINTS = [
    ("user", "GET", "/users/me", {}),
    ("payment", "GET", "/payments", {}),
    ("payment", "GET", f"/payments/{PAYMENT_ID}", {}),
    (
        "payment",
        "POST",
        "/payments",
        {
            "json": {
                "amount": 100,
                "currency": "EUR",
                "payment_token": "tok_visa_success",
                "booking_id": "bkg_auth",
            },
            "headers": {"Idempotency-Key": "auth-probe"},
        },
    ),
    (
        "payment",
        "POST",
        f"/payments/{PAYMENT_ID}/refunds",
        {"json": {}, "headers": {"Idempotency-Key": "auth"}},
    ),
]


@pytest.mark.parametrize("kind", BAD)
@pytest.mark.parametrize(
    ("service", "method", "path", "extra"), ENDPOINTS, ids=lambda v: v if isinstance(v, str) else ""
)
async def test_bad_tokens_are_refused_with_401(apis, tokens, kind, service, method, path, extra):
    headers = {**extra.get("headers", {}), "Authorization": f"Bearer {tokens[kind]}"}
    response = await apis[service].request(method, path, json=extra.get("json"), headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_the_valid_token_gets_through(apis, tokens):
    auth = {"Authorization": f"Bearer {tokens['valid']}"}
    assert (await apis["payment"].get("/payments", headers=auth)).status_code == 200
    assert (await apis["payment"].get(f"/payments/{PAYMENT_ID}", headers=auth)).status_code == 404
    assert (
        await apis["user"].get("/users/me", headers=auth)
    ).status_code == 404  # valid token, no such account


@pytest.mark.parametrize("header", ["", "Bearer", "Basic dXNlcjpwYXNz", "Bearer  "])
async def test_missing_or_other_schemes_are_401(apis, header):
    response = await apis["payment"].get("/payments", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
