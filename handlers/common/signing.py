"""Issuing CineMesh JWTs: RS256 with the signer's own private key, its ``kid`` in the header.

``sign_token`` makes user tokens with the ``user`` key (only the user service has it): the claims
``handlers.common.auth.TokenVerifier.verify`` requires (``iss``, ``sub``, ``role``, ``iat``,
``exp``). ``sign_service_token`` makes a service's own token with that service's key.
"""

import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from handlers.common.auth import SERVICE_PREFIX
from handlers.common.keys import USER_KEYS, load_signing_key
from handlers.common.settings import ServiceSettings

SigningKey = tuple[str, rsa.RSAPrivateKey]


class MissingSigningKey(RuntimeError):
    """No usable private key of this signer in the keys directory, so no token can be minted."""


def signing_key(keys_dir: Path, owner: str = USER_KEYS) -> SigningKey:
    try:
        return load_signing_key(keys_dir, owner)
    except (OSError, ValueError) as exc:
        raise MissingSigningKey(f"no {owner} signing key in {keys_dir}: {exc}") from exc


def _encode(payload: dict[str, Any], key: SigningKey) -> str:
    kid, private_key = key
    return jwt.encode(payload, private_key, algorithm="RS256", headers={"kid": kid})


def sign_token(
    settings: ServiceSettings,
    subject: str,
    role: str,
    ttl_seconds: int,
    *,
    key: SigningKey | None = None,
    now: int | None = None,
    **claims: Any,
) -> str:
    """A user token for ``subject`` as ``role``, valid ``ttl_seconds`` from ``now`` (``claims`` override)."""
    issued = int(time.time()) if now is None else now
    payload = {
        "iss": settings.jwt_issuer,
        "sub": subject,
        "role": role,
        "iat": issued,
        "exp": issued + ttl_seconds,
        **claims,
    }
    return _encode(payload, key or signing_key(settings.jwt_keys_dir))


def sign_service_token(
    settings: ServiceSettings, service: str, audience: str, ttl_seconds: int, *, now: int | None = None
) -> str:
    """``service``'s own token for calls to ``audience``, signed with ``service``'s private key."""
    issued = int(time.time()) if now is None else now
    subject = SERVICE_PREFIX + service
    payload = {"iss": subject, "sub": subject, "aud": audience, "iat": issued, "exp": issued + ttl_seconds}
    return _encode(payload, signing_key(settings.jwt_keys_dir, service))
