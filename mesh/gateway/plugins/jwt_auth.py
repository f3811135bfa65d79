"""Kong's ``jwt`` plugin: token from query/cookie/header, credential by ``iss``, signature, claims.

Status codes and messages follow Kong 3's handler: every failure is a 401 with
``{"message": ...}`` (``Unauthorized``, ``Bad token; invalid alg``, ``Invalid signature`` ...)
or, for registered claims, ``{"exp": "token expired"}``. On success the upstream gets
``X-Consumer-ID``/``-Custom-ID``/``-Username`` and ``X-Credential-Identifier``.
"""

import re
import time
from http.cookies import SimpleCookie

import jwt
from starlette.responses import Response

from mesh.gateway.kong_plugins import JWT_ALGORITHMS
from mesh.gateway.model import JwtCredential
from mesh.gateway.plugins.base import Exchange, GatewayPlugin, kong_error

BEARER = re.compile(r"\s*[Bb]earer\s+(.+)")


class JwtPlugin(GatewayPlugin):
    priority = 1450

    def __init__(self, config: dict, credentials: dict[str, JwtCredential]):
        self.config = config
        self.credentials = credentials

    def _token(self, exchange: Exchange) -> str | None:
        request = exchange.request
        for name in self.config["uri_param_names"]:
            if name in request.query_params:
                return request.query_params[name]
        if self.config["cookie_names"] and "cookie" in request.headers:
            cookies = SimpleCookie(request.headers["cookie"])
            for name in self.config["cookie_names"]:
                if name in cookies and cookies[name].value:
                    return cookies[name].value
        for name in self.config["header_names"]:
            found = BEARER.match(request.headers.get(name, ""))
            if found:
                return found.group(1)
        return None

    async def access(self, exchange: Exchange) -> Response | None:
        if exchange.request.method == "OPTIONS" and not self.config["run_on_preflight"]:
            return None
        token = self._token(exchange)
        if token is None:
            return kong_error(401, "Unauthorized")
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            return kong_error(401, f"Bad token; {exc}")
        if header.get("alg") not in JWT_ALGORITHMS:
            return kong_error(401, "Bad token; invalid alg")
        claim_name = self.config["key_claim_name"]
        key = claims.get(claim_name) or header.get(claim_name)
        if not key:
            return kong_error(401, f"No mandatory '{claim_name}' in claims")
        credential = self.credentials.get(str(key))
        if credential is None:
            return kong_error(401, f"No credentials found for given '{claim_name}'")
        if header["alg"] != credential.algorithm:
            return kong_error(401, "Invalid algorithm")
        if not _signature_ok(token, header, credential):
            return kong_error(401, "Invalid signature")
        errors = _claim_errors(claims, self.config["claims_to_verify"])
        if errors:
            return kong_error(401, errors)
        exchange.consumer, exchange.credential = credential.consumer, credential
        exchange.upstream_headers.update(
            {
                "X-Consumer-ID": credential.consumer.id,
                "X-Credential-Identifier": credential.key,
                **(
                    {"X-Consumer-Username": credential.consumer.username}
                    if credential.consumer.username
                    else {}
                ),
                **(
                    {"X-Consumer-Custom-ID": credential.consumer.custom_id}
                    if credential.consumer.custom_id
                    else {}
                ),
            }
        )
        return None


def _signature_ok(token: str, header: dict, credential: JwtCredential) -> bool:
    keys = credential.public_keys
    candidates = [keys[header["kid"]]] if header.get("kid") in keys else list(keys.values())
    for key in candidates:
        try:
            jwt.decode(
                token,
                key=key,
                algorithms=[credential.algorithm],
                options={
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                    "verify_aud": False,
                    "verify_iss": False,
                },
            )
            return True
        except jwt.PyJWTError:
            continue
    return False


def _claim_errors(claims: dict, to_verify: list[str]) -> dict[str, str]:
    now = time.time()
    errors = {}
    for name in to_verify:
        value = claims.get(name)
        if not isinstance(value, int | float) or isinstance(value, bool):
            errors[name] = "must be a number"
        elif name == "exp" and value <= now:
            errors[name] = "token expired"
        elif name == "nbf" and value > now:
            errors[name] = "token not valid yet"
    return errors
