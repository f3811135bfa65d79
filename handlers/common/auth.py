"""Zero-trust JWT verification shared by every service.

Tokens are RS256 JWTs issued by the user service: ``kid`` header, ``iss`` (the key
Kong's jwt plugin looks up), ``sub`` (user id), ``role`` (``user`` or ``admin``),
``iat``/``exp`` and optionally ``nbf``. Anything else is refused with ``AuthError``.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from handlers.common.keys import load_public_keys
from handlers.common.problems import Forbidden
from handlers.common.settings import ServiceSettings

Role = Literal["user", "admin"]


class AuthError(Exception):
    """A token that must not be trusted; ``reason`` says why (never echoed secrets)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Principal:
    user_id: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class TokenVerifier:
    def __init__(self, public_keys: dict[str, rsa.RSAPublicKey], issuer: str, leeway_seconds: int = 0):
        self._public_keys = public_keys
        self._issuer = issuer
        self._leeway = leeway_seconds

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> "TokenVerifier":
        return cls(load_public_keys(settings.jwt_keys_dir), settings.jwt_issuer)

    def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise AuthError("malformed token") from exc
        if header.get("alg") != "RS256":
            raise AuthError("token must be signed with RS256")
        key = self._public_keys.get(header.get("kid", ""))
        if key is None:
            raise AuthError("unknown signing key")
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=["RS256"],
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": ["exp", "iat", "iss", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("token expired") from exc
        except jwt.ImmatureSignatureError as exc:
            raise AuthError("token not yet valid") from exc
        except jwt.InvalidIssuerError as exc:
            raise AuthError("wrong issuer") from exc
        except jwt.PyJWTError as exc:
            raise AuthError("invalid token") from exc
        role = claims.get("role")
        if role not in ("user", "admin"):
            raise AuthError("token has no valid role")
        return Principal(user_id=str(claims["sub"]), role=role)


@lru_cache(maxsize=1)
def default_verifier() -> TokenVerifier:
    return TokenVerifier.from_settings(ServiceSettings())


def bearer_info(token: str) -> dict[str, Any] | None:
    """connexion ``x-bearerInfoFunc``: token info for a valid token, ``None`` (401) otherwise."""
    try:
        principal = default_verifier().verify(token)
    except AuthError:
        return None
    return {"sub": principal.user_id, "role": principal.role}


def principal_from_token_info(token_info: dict[str, Any]) -> Principal:
    return Principal(user_id=token_info["sub"], role=token_info["role"])


def require_admin(token_info: dict[str, Any]) -> Principal:
    principal = principal_from_token_info(token_info)
    if not principal.is_admin:
        raise Forbidden("This operation needs the admin role.")
    return principal
