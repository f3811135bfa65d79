"""Both REST services in-process on their test databases, and a factory of bad tokens."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from handlers.common.keys import kid_of, load_signing_key
from handlers.common.settings import ServiceSettings
from handlers.payment import app as payment_app
from handlers.payment.settings import PaymentSettings
from handlers.user import app as user_app
from handlers.user.settings import UserSettings


@pytest.fixture(scope="module")
async def apis():
    """``{"user": client, "payment": client}`` over ASGI, databases connected."""
    user_settings = UserSettings(mongo_db="users_test", validate_responses=True, outbox_relay=False)
    payment_settings = PaymentSettings(mongo_db="payments_test", validate_responses=True, outbox_relay=False)
    mongo = [await user_app.connect(user_settings), await payment_app.connect(payment_settings)]
    async with (
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=user_app.create_app(user_settings)), base_url="http://user.test"
        ) as user,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=payment_app.create_app(payment_settings)),
            base_url="http://payment.test",
        ) as payment,
    ):
        yield {"user": user, "payment": payment}
    for client in mongo:
        await client.close()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(obj) -> str:
    return _b64(json.dumps(obj).encode())


@pytest.fixture(scope="module")
def tokens() -> dict[str, str]:
    """A valid token and one token of every kind the services must refuse."""
    settings = ServiceSettings()
    kid, key = load_signing_key(settings.jwt_keys_dir)
    now = datetime.now(UTC)
    good = {
        "iss": settings.jwt_issuer,
        "sub": "usr_auth_probe",
        "role": "admin",
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }

    def signed(private_key=key, key_id=kid, **overrides) -> str:
        return jwt.encode({**good, **overrides}, private_key, algorithm="RS256", headers={"kid": key_id})

    raw = {k: int(v.timestamp()) if isinstance(v, datetime) else v for k, v in good.items()}
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    hs_input = f"{_segment({'alg': 'HS256', 'typ': 'JWT', 'kid': kid})}.{_segment(raw)}"
    hs_mac = hmac.new(pem, hs_input.encode(), hashlib.sha256).digest()
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    header, _, signature = signed(role="user").split(".")
    return {
        "valid": signed(),
        "alg-none": f"{_segment({'alg': 'none', 'typ': 'JWT', 'kid': kid})}.{_segment(raw)}.",
        "hs256-with-public-key": f"{hs_input}.{_b64(hs_mac)}",
        "expired": signed(iat=now - timedelta(minutes=20), exp=now - timedelta(minutes=5)),
        "not-yet-valid": signed(nbf=now + timedelta(minutes=5)),
        "wrong-issuer": signed(iss="evil-issuer"),
        "unknown-kid": signed(private_key=stranger, key_id=kid_of(stranger.public_key())),
        "tampered-payload": f"{header}.{_segment({**raw, 'role': 'admin'})}.{signature}",
        "garbage": "not.a.jwt",
    }
