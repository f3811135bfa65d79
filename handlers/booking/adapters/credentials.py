"""Bearer tokens for work no request carries a token for (the recovery sweep).

The booking service signs a short-lived ``admin`` token for itself (``sub`` =
``service:booking``) with the development signing key; the payment service lets the admin
role look up and refund any payment. Without a signing key, recovery of payment steps waits.
"""

import time

import jwt

from handlers.booking.errors import DependencyUnavailable
from handlers.common.keys import load_signing_key
from handlers.common.settings import ServiceSettings

SERVICE_SUBJECT = "service:booking"


class SigningCredentials:
    def __init__(self, settings: ServiceSettings, ttl_seconds: int = 300):
        self._settings = settings
        self._ttl = ttl_seconds

    def for_user(self, user_id: str) -> str:
        try:
            kid, key = load_signing_key(self._settings.jwt_keys_dir)
        except (OSError, ValueError) as exc:
            message = "No service signing key; recovery needs CINEMESH_JWT_KEYS_DIR."
            raise DependencyUnavailable(message) from exc
        issued = int(time.time())
        claims = {
            "iss": self._settings.jwt_issuer,
            "sub": SERVICE_SUBJECT,
            "role": "admin",
            "act_for": user_id,
            "iat": issued,
            "exp": issued + self._ttl,
        }
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})
