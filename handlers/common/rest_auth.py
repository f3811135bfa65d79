"""Bearer-token checks of a connexion app, bound to that app's own verifier and name.

A contract's bearer security schemes say who may call with ``x-cinemesh-caller``:

    bearerAuth:      {type: http, scheme: bearer, x-cinemesh-caller: user}
    bookingService:  {type: http, scheme: bearer, x-cinemesh-caller: "service:booking"}

``security_map(verifier, audience)`` is passed to ``AsyncApp(..., security_map=...)``: user tokens
give ``token_info`` ``{"sub": <user id>, "role": ...}``; service tokens addressed to ``audience``
give ``{"sub": "service:<name>", "service": <name>}``. An invalid token is a 401; a genuine token
of a caller the scheme does not accept (a user's token where only a service may call) is a 403.
A scheme without ``x-cinemesh-caller`` accepts nobody.
"""

from typing import Any

from connexion.security import BearerSecurityHandler

from handlers.common.auth import (
    SERVICE_PREFIX,
    AuthError,
    NotAllowed,
    Principal,
    ServiceCaller,
    TokenVerifier,
    principal_from_token_info,
)
from handlers.common.problems import Forbidden

CALLER_EXTENSION = "x-cinemesh-caller"
TokenInfo = dict[str, Any] | None


def _user_info(verifier: TokenVerifier):
    def token_info(token: str) -> TokenInfo:
        try:
            principal = verifier.verify(token)
        except AuthError:
            return None
        return {"sub": principal.user_id, "role": principal.role}

    return token_info


def _service_info(verifier: TokenVerifier, audience: str, service: str):
    allowed = frozenset({service})

    def token_info(token: str) -> TokenInfo:
        try:
            caller = verifier.authorize_service(token, audience, allowed)
        except NotAllowed as exc:
            raise Forbidden(f"Forbidden: {exc.reason}.") from exc
        except AuthError:
            return None
        return {"sub": caller.subject, "service": caller.name}

    return token_info


def security_map(verifier: TokenVerifier, audience: str) -> dict[str, type]:
    class AppBearer(BearerSecurityHandler):
        def _resolve_func(self, security_scheme: dict):
            accepts = str(security_scheme.get(CALLER_EXTENSION, ""))
            if accepts == "user":
                return _user_info(verifier)
            if accepts.startswith(SERVICE_PREFIX):
                return _service_info(verifier, audience, accepts.removeprefix(SERVICE_PREFIX))
            return None

    return {"bearer": AppBearer}


def caller_from_token_info(token_info: dict[str, Any]) -> Principal | ServiceCaller:
    """Who called: a user (``bearerAuth``) or a service (a ``service:<name>`` scheme)."""
    if "service" in token_info:
        return ServiceCaller(token_info["service"])
    return principal_from_token_info(token_info)
