"""A service's own bearer token, for calls it makes on nobody's behalf (e.g. to the seat inventory).

    token = ServiceToken(settings, "service:booking")
    InventoryClient(host, port, token=token)   # calls token() before every call

The token is an RS256 JWT signed with the key in ``CINEMESH_JWT_KEYS_DIR`` (``sub`` = the
service, role ``user``: no admin rights), minted once and re-minted a minute before it expires.
Without a signing key, ``token()`` raises ``MissingSigningKey``.
"""

import time

import jwt

from handlers.common.keys import load_signing_key
from handlers.common.settings import ServiceSettings

RENEW_BEFORE_SECONDS = 60


class MissingSigningKey(RuntimeError):
    """No usable private key in the keys directory, so no token can be minted."""


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
            self._token, self._expires = self._mint(now), now + self._ttl
        return self._token

    def _mint(self, now: int) -> str:
        try:
            kid, key = load_signing_key(self._settings.jwt_keys_dir)
        except (OSError, ValueError) as exc:
            raise MissingSigningKey(f"no signing key in {self._settings.jwt_keys_dir}: {exc}") from exc
        claims = {
            "iss": self._settings.jwt_issuer,
            "sub": self._subject,
            "role": "user",
            "iat": now,
            "exp": now + self._ttl,
        }
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})
