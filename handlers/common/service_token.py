"""A service's own bearer token, for calls it makes on nobody's behalf (e.g. to the seat inventory).

    token = ServiceToken(settings, "service:booking")
    InventoryClient(host, port, token=token)   # calls token() before every call

The token is an RS256 JWT signed with the key in ``CINEMESH_JWT_KEYS_DIR`` (``sub`` = the
service, role ``user``: no admin rights), minted once and re-minted a minute before it expires.
Without a signing key, ``token()`` raises ``MissingSigningKey``.
"""

import time

from handlers.common.settings import ServiceSettings
from handlers.common.signing import sign_token

RENEW_BEFORE_SECONDS = 60


class ServiceToken:
    def __init__(self, settings: ServiceSettings, subject: str, ttl_seconds: int = 900):
        self._settings = settings
        self._subject = subject
        self._ttl = ttl_seconds
        self._token = ""
        self._expires = 0

    def __call__(self) -> str:
        now = int(time.time())
        if now >= self._expires - RENEW_BEFORE_SECONDS:
            self._token = sign_token(self._settings, self._subject, "user", self._ttl, now=now)
            self._expires = now + self._ttl
        return self._token
