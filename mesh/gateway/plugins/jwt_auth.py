"""Kong's ``jwt`` plugin: token from query/cookie/header, credential by ``iss``, signature, claims.

Status codes and messages follow Kong 3's handler: every failure is a 401 with
``{"message": ...}`` (``Unauthorized``, ``Multiple tokens provided``, ``Bad token; invalid alg``,
``Invalid signature`` ...) or, for registered claims, ``{"exp": "token expired"}``, and a
``WWW-Authenticate: Bearer`` challenge (``error="invalid_token"`` once a token was presented).
On success the upstream gets ``X-Consumer-ID``/``-Custom-ID``/``-Username`` and
``X-Credential-Identifier``.

With ``anonymous`` (a consumer's id or username) Kong's handler is a "logical OR": ANY failure,
a missing token as well as an invalid one, lets the request through as that consumer, with
``X-Anonymous-Consumer: true`` and no credential; the token, if any, still travels upstream for the
service to judge. kong.yml keeps invalid bearer tokens a 401 by routing: see the booking routes.
"""

import re
import time
from http.cookies import CookieError, SimpleCookie

import jwt
from starlette.responses import Response

from mesh.gateway.kong_plugins import JWT_ALGORITHMS
from mesh.gateway.model import Consumer, JwtCredential
from mesh.gateway.plugins.base import Exchange, GatewayPlugin, kong_error

BEARER = re.compile(r"\s*[Bb]earer\s+(.+)")


class JwtPlugin(GatewayPlugin):
    priority = 1450

    def __init__(self, config: dict, credentials: dict[str, JwtCredential], consumers: dict[str, Consumer]):
        self.config = config
        self.credentials = credentials
        self.anonymous = consumers[config["anonymous"]] if config.get("anonymous") else None

    def _tokens(self, exchange: Exchange) -> set[str]:
        request, found = exchange.request, set[str]()
        for name in self.config["uri_param_names"]:
            found.update(value for value in request.query_params.getlist(name) if value)
        if self.config["cookie_names"] and "cookie" in request.headers:
            cookies = SimpleCookie()
            try:
                cookies.load(request.headers["cookie"])
            except CookieError:
                cookies.clear()
            found.update(
                cookies[n].value for n in self.config["cookie_names"] if n in cookies and cookies[n].value
            )
        for name in self.config["header_names"]:
            matched = BEARER.search(request.headers.get(name, ""))
            if matched:
                found.add(matched.group(1))
        return found

    async def access(self, exchange: Exchange) -> Response | None:
        if exchange.request.method == "OPTIONS" and not self.config["run_on_preflight"]:
            return None
        refusal = self._authenticate(exchange)
        if refusal is not None and self.anonymous is not None:
            _set_consumer(exchange, self.anonymous, None)
            return None
        return refusal

    def _authenticate(self, exchange: Exchange) -> Response | None:
        tokens = self._tokens(exchange)
        if not tokens:
            return _unauthorized("Unauthorized", presented=False)
        if len(tokens) > 1:
            return _unauthorized("Multiple tokens provided")
        (token,) = tokens
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            return _unauthorized(f"Bad token; {exc}")
        if header.get("alg") not in JWT_ALGORITHMS:
            return _unauthorized("Bad token; invalid alg")
        claim_name = self.config["key_claim_name"]
        key = claims.get(claim_name) or header.get(claim_name)
        if not key:
            return _unauthorized(f"No mandatory '{claim_name}' in claims")
        credential = self.credentials.get(str(key))
        if credential is None:
            return _unauthorized(f"No credentials found for given '{claim_name}'")
        if header["alg"] != credential.algorithm:
            return _unauthorized("Invalid algorithm")
        if not _signature_ok(token, header, credential):
            return _unauthorized("Invalid signature")
        errors = _claim_errors(claims, self.config["claims_to_verify"])
        if errors:
            return _unauthorized(errors)
        _set_consumer(exchange, credential.consumer, credential)
        return None


def _unauthorized(message: str | dict[str, str], presented: bool = True) -> Response:
    challenge = 'Bearer error="invalid_token"' if presented else "Bearer"
    return kong_error(401, message, {"WWW-Authenticate": challenge})


def _set_consumer(exchange: Exchange, consumer: Consumer, credential: JwtCredential | None) -> None:
    """Kong's ``set_consumer``: who the upstream is told the caller is (client copies are dropped)."""
    exchange.consumer, exchange.credential = consumer, credential
    headers = {"X-Consumer-ID": consumer.id}
    if consumer.custom_id:
        headers["X-Consumer-Custom-ID"] = consumer.custom_id
    if consumer.username:
        headers["X-Consumer-Username"] = consumer.username
    if credential is not None:
        headers["X-Credential-Identifier"] = credential.key
    else:
        headers["X-Anonymous-Consumer"] = "true"
    exchange.upstream_headers.update(headers)


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
