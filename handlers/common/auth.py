"""Zero-trust JWT verification shared by every service: user tokens and service tokens.

Every token is RS256 with a ``kid`` header; the kid names a public key and the key's owner
(``handlers.common.keys``), and the owner decides what the token may claim:

- a **user token** is signed with a ``user`` key (the user service's): ``iss`` (the key Kong's
  jwt plugin looks up), ``sub`` (user id), ``role`` (``user`` or ``admin``), ``iat``/``exp``,
  optionally ``nbf``, and no ``aud``;
- a **service token** is signed with its service's own key: ``iss`` = ``sub`` =
  ``service:<owner>``, ``aud`` = the callee, ``iat``/``exp``. No service can mint a user token,
  and the user service cannot speak for a service.

Keys are found by ``kid``; an unknown kid reloads the keys directory (at most once a second), so
a rotation needs no restart. Anything else is refused with ``AuthError``; a valid token whose
caller may not do what it asks is ``NotAllowed``.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from handlers.common.keys import USER_KEYS, load_all_public_keys
from handlers.common.problems import Forbidden
from handlers.common.settings import ServiceSettings

Role = Literal["user", "admin"]
SERVICE_PREFIX = "service:"
OwnedKeys = dict[str, tuple[str, rsa.RSAPublicKey]]


class AuthError(Exception):
    """A token that must not be trusted; ``reason`` says why (never echoed secrets)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class NotAllowed(AuthError):
    """A genuine token whose caller is not allowed to make this call."""


@dataclass(frozen=True)
class Principal:
    user_id: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def subject(self) -> str:
        return self.user_id


@dataclass(frozen=True)
class ServiceCaller:
    name: str  # the calling service, e.g. "booking"

    @property
    def subject(self) -> str:
        return SERVICE_PREFIX + self.name


class KeyRing:
    """Public keys by kid with their owners, reloaded when a token names a kid not seen yet."""

    def __init__(self, load: Callable[[], OwnedKeys], min_reload_seconds: float = 1.0):
        self._load = load
        self._min_reload = min_reload_seconds
        self._lock = threading.Lock()
        self._keys = load()
        self._loaded_at = time.monotonic()

    @classmethod
    def from_dir(cls, keys_dir: Path) -> "KeyRing":
        return cls(lambda: load_all_public_keys(keys_dir))

    @classmethod
    def static(cls, keys: dict[str, rsa.RSAPublicKey], owner: str = USER_KEYS) -> "KeyRing":
        owned = {kid: (owner, key) for kid, key in keys.items()}
        return cls(lambda: owned)

    def find(self, kid: str) -> tuple[str, rsa.RSAPublicKey] | None:
        found = self._keys.get(kid)
        if found is None:
            with self._lock:
                if time.monotonic() - self._loaded_at >= self._min_reload:
                    self._keys = self._load()
                    self._loaded_at = time.monotonic()
                found = self._keys.get(kid)
        return found


class TokenVerifier:
    def __init__(self, keys: KeyRing, issuer: str, leeway_seconds: int = 0):
        self._keys = keys
        self._issuer = issuer
        self._leeway = leeway_seconds

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> "TokenVerifier":
        return cls(KeyRing.from_dir(settings.jwt_keys_dir), settings.jwt_issuer)

    def verify(self, token: str) -> Principal:
        """A user's (or admin's) token."""
        owner, claims = self._decode(token, issuer=self._issuer, audience=None)
        if owner != USER_KEYS:
            raise AuthError("not a user token")
        role = claims.get("role")
        if role not in ("user", "admin"):
            raise AuthError("token has no valid role")
        return Principal(user_id=str(claims["sub"]), role=role)

    def verify_service(self, token: str, audience: str) -> ServiceCaller:
        """A service's own token addressed to ``audience``."""
        owner, claims = self._decode(token, issuer=None, audience=audience)
        subject = SERVICE_PREFIX + owner
        if owner == USER_KEYS or claims["sub"] != subject or claims["iss"] != subject:
            raise AuthError("a service token must be signed by its own service")
        return ServiceCaller(owner)

    def authorize_service(self, token: str, audience: str, allowed: frozenset[str]) -> ServiceCaller:
        """The calling service when it is one of ``allowed``; a user's genuine token is NotAllowed."""
        try:
            caller = self.verify_service(token, audience)
        except AuthError:
            try:
                self.verify(token)
            except AuthError:
                raise
            raise NotAllowed("this call is reserved to " + _names(allowed)) from None
        if caller.name not in allowed:
            raise NotAllowed(f"{caller.subject} may not make this call; only {_names(allowed)} may")
        return caller

    def _decode(self, token: str, issuer: str | None, audience: str | None) -> tuple[str, dict[str, Any]]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise AuthError("malformed token") from exc
        if header.get("alg") != "RS256":
            raise AuthError("token must be signed with RS256")
        found = self._keys.find(str(header.get("kid", "")))
        if found is None:
            raise AuthError("unknown signing key")
        owner, key = found
        required = ["exp", "iat", "iss", "sub"] + (["aud"] if audience else [])
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=["RS256"],
                issuer=issuer,
                audience=audience,
                leeway=self._leeway,
                options={"require": required},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("token expired") from exc
        except jwt.ImmatureSignatureError as exc:
            raise AuthError("token not yet valid") from exc
        except jwt.InvalidIssuerError as exc:
            raise AuthError("wrong issuer") from exc
        except jwt.InvalidAudienceError as exc:
            raise AuthError("wrong audience") from exc
        except jwt.PyJWTError as exc:
            raise AuthError("invalid token") from exc
        return owner, claims


def _names(allowed: frozenset[str]) -> str:
    return ", ".join(SERVICE_PREFIX + name for name in sorted(allowed))


def principal_from_token_info(token_info: dict[str, Any]) -> Principal:
    return Principal(user_id=token_info["sub"], role=token_info["role"])


def require_admin(token_info: dict[str, Any]) -> Principal:
    principal = principal_from_token_info(token_info)
    if not principal.is_admin:
        raise Forbidden("This operation needs the admin role.")
    return principal
