"""A service's own bearer token, for calls it makes as itself (e.g. booking to the seat inventory).

    token = ServiceToken(settings, service="booking", audience="cinema")
    InventoryClient(host, port, token=token)   # calls token() before every call

The token is an RS256 JWT signed with the service's own private key
(``CINEMESH_JWT_KEYS_DIR/private/<service>/signing.pem``): ``sub`` = ``iss`` =
``service:<service>``, ``aud`` = the callee. It is minted once and re-minted a minute before it
expires. Without the service's key, ``token()`` raises ``MissingSigningKey``.
"""

import time

from handlers.common.settings import ServiceSettings
from handlers.common.signing import sign_service_token

RENEW_BEFORE_SECONDS = 60


class ServiceToken:
    def __init__(self, settings: ServiceSettings, service: str, audience: str, ttl_seconds: int = 900):
        self._settings = settings
        self._service = service
        self._audience = audience
        self._ttl = ttl_seconds
        self._token = ""
        self._expires = 0

    def __call__(self) -> str:
        now = int(time.time())
        if now >= self._expires - RENEW_BEFORE_SECONDS:
            self._token = sign_service_token(
                self._settings, self._service, self._audience, self._ttl, now=now
            )
            self._expires = now + self._ttl
        return self._token
