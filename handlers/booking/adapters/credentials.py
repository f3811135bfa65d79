"""Bearer tokens for work no request carries a token for (the recovery sweep).

The booking service signs a short-lived ``admin`` token for itself (``sub`` =
``service:booking``) with the development signing key; the payment service lets the admin
role look up and refund any payment. Without a signing key, recovery of payment steps waits.
"""

from handlers.booking.errors import DependencyUnavailable
from handlers.common.settings import ServiceSettings
from handlers.common.signing import MissingSigningKey, sign_token

SERVICE_SUBJECT = "service:booking"


class SigningCredentials:
    def __init__(self, settings: ServiceSettings, ttl_seconds: int = 300):
        self._settings = settings
        self._ttl = ttl_seconds

    def for_user(self, user_id: str) -> str:
        try:
            return sign_token(self._settings, SERVICE_SUBJECT, "admin", self._ttl, act_for=user_id)
        except MissingSigningKey as exc:
            message = "No service signing key; recovery needs CINEMESH_JWT_KEYS_DIR."
            raise DependencyUnavailable(message) from exc
