"""Issuing CineMesh JWTs: RS256 with the key in ``CINEMESH_JWT_KEYS_DIR``, its ``kid`` in the header.

Every token a service issues (a user's access token, a service's own token) carries the claims
``handlers.common.auth.TokenVerifier`` requires: ``iss``, ``sub``, ``role``, ``iat``, ``exp``.
"""

import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from handlers.common.keys import load_signing_key
from handlers.common.settings import ServiceSettings

SigningKey = tuple[str, rsa.RSAPrivateKey]


class MissingSigningKey(RuntimeError):
    """No usable private key in the keys directory, so no token can be minted."""


def signing_key(keys_dir: Path) -> SigningKey:
    try:
        return load_signing_key(keys_dir)
    except (OSError, ValueError) as exc:
        raise MissingSigningKey(f"no signing key in {keys_dir}: {exc}") from exc


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
    """A token for ``subject`` as ``role``, valid ``ttl_seconds`` from ``now``; ``claims`` add or override."""
    kid, private_key = key or signing_key(settings.jwt_keys_dir)
    issued = int(time.time()) if now is None else now
    payload = {
        "iss": settings.jwt_issuer,
        "sub": subject,
        "role": role,
        "iat": issued,
        "exp": issued + ttl_seconds,
        **claims,
    }
    return jwt.encode(payload, private_key, algorithm="RS256", headers={"kid": kid})
