"""TokenVerifier refuses every token it must not trust (in-memory keys, no services)."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from handlers.common.auth import AuthError, KeyRing, Principal, TokenVerifier, require_admin
from handlers.common.keys import jwks, kid_of
from handlers.common.problems import Forbidden

pytestmark = pytest.mark.unit
ISSUER = "cinemesh-user-service"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(obj) -> str:
    return b64(json.dumps(obj).encode())


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def kid(key) -> str:
    return kid_of(key.public_key())


@pytest.fixture(scope="module")
def verifier(key, kid) -> TokenVerifier:
    return TokenVerifier(KeyRing.static({kid: key.public_key()}), ISSUER)


def claims(**overrides):
    now = datetime.now(UTC)
    base = {"iss": ISSUER, "sub": "usr_1", "role": "user", "iat": now, "exp": now + timedelta(minutes=15)}
    return {k: v for k, v in {**base, **overrides}.items() if v is not None}


def sign(key, kid, headers=None, **overrides) -> str:
    return jwt.encode(claims(**overrides), key, algorithm="RS256", headers={"kid": kid, **(headers or {})})


def test_a_valid_token_gives_its_principal(verifier, key, kid):
    assert verifier.verify(sign(key, kid)) == Principal("usr_1", "user")
    assert verifier.verify(sign(key, kid, role="admin")).is_admin


def test_alg_none_is_refused(verifier, kid):
    payload = {"iss": ISSUER, "sub": "x", "role": "admin", "iat": 1, "exp": 4102444800}
    unsigned = f"{segment({'alg': 'none', 'typ': 'JWT', 'kid': kid})}.{segment(payload)}."
    with pytest.raises(AuthError):
        verifier.verify(unsigned)


def test_hs256_signed_with_the_public_key_is_refused(verifier, key, kid):
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    payload = {"iss": ISSUER, "sub": "x", "role": "admin", "iat": 1, "exp": 4102444800}
    signing_input = f"{segment({'alg': 'HS256', 'typ': 'JWT', 'kid': kid})}.{segment(payload)}"
    mac = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    with pytest.raises(AuthError, match="RS256"):
        verifier.verify(f"{signing_input}.{b64(mac)}")


def _from_now(**delta):
    """A time relative to when the test runs (not when the module is imported: the suite is long)."""
    return lambda: datetime.now(UTC) + timedelta(**delta)


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"exp": _from_now(seconds=-1)}, "token expired"),
        ({"nbf": _from_now(minutes=5)}, "token not yet valid"),
        ({"iat": _from_now(minutes=5)}, "token not yet valid"),
        ({"iss": "someone-else"}, "wrong issuer"),
        ({"iss": None}, "invalid token"),
        ({"exp": None}, "invalid token"),
        ({"sub": None}, "invalid token"),
        ({"role": "superuser"}, "token has no valid role"),
        ({"role": None}, "token has no valid role"),
        ({"aud": "payment"}, "wrong audience"),
    ],
    ids=[
        "expired",
        "nbf-future",
        "iat-future",
        "wrong-issuer",
        "no-iss",
        "no-exp",
        "no-sub",
        "bad-role",
        "no-role",
        "service-audience",
    ],
)
def test_bad_claims_are_refused(verifier, key, kid, overrides, reason):
    evaluated = {name: value() if callable(value) else value for name, value in overrides.items()}
    with pytest.raises(AuthError) as refused:
        verifier.verify(sign(key, kid, **evaluated))
    assert refused.value.reason == reason


def test_unknown_kid_is_refused(verifier):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(AuthError, match="unknown signing key"):
        verifier.verify(sign(stranger, kid_of(stranger.public_key())))


def test_a_stranger_key_claiming_our_kid_is_refused(verifier, kid):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(AuthError, match="invalid token"):
        verifier.verify(sign(stranger, kid))


def test_missing_kid_is_refused(verifier, key):
    token = jwt.encode(claims(), key, algorithm="RS256")
    with pytest.raises(AuthError, match="unknown signing key"):
        verifier.verify(token)


def test_tampered_payload_is_refused(verifier, key, kid):
    header, _payload, signature = sign(key, kid).split(".")
    forged = segment(jsonable(claims(role="admin")))
    with pytest.raises(AuthError, match="invalid token"):
        verifier.verify(f"{header}.{forged}.{signature}")


def test_tampered_signature_is_refused(verifier, key, kid):
    token = sign(key, kid)
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(AuthError):
        verifier.verify(flipped)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "a.b",
        "a.b.c",
        "é.é.é",
        f"{segment([1])}.{segment({})}.",
        f"{segment({'alg': 'RS256', 'kid': ['x']})}.e30.x",
    ],
    ids=["empty", "garbage", "two-parts", "junk-parts", "non-ascii", "header-not-object", "kid-not-string"],
)
def test_malformed_tokens_are_refused(verifier, token):
    with pytest.raises(AuthError):
        verifier.verify(token)


def test_leeway_tolerates_small_clock_skew(key, kid):
    skewed = TokenVerifier(KeyRing.static({kid: key.public_key()}), ISSUER, leeway_seconds=30)
    assert skewed.verify(sign(key, kid, exp=datetime.now(UTC) - timedelta(seconds=5))).user_id == "usr_1"


def test_require_admin():
    assert require_admin({"sub": "a", "role": "admin"}).is_admin
    with pytest.raises(Forbidden):
        require_admin({"sub": "u", "role": "user"})


def test_jwks_publishes_public_material_only(key, kid):
    [entry] = jwks({kid: key.public_key()})["keys"]
    assert entry["kid"] == kid and entry["alg"] == "RS256" and entry["use"] == "sig"
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(entry)


def jsonable(payload: dict) -> dict:
    return {k: int(v.timestamp()) if isinstance(v, datetime) else v for k, v in payload.items()}
