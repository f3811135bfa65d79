"""Kong's jwt plugin: the ``anonymous`` logical OR, several tokens, the WWW-Authenticate challenge."""

import time

import jwt
import pytest
from starlette.requests import Request

from handlers.common.keys import load_public_keys, load_signing_key
from mesh.gateway.kong_plugins import JWT
from mesh.gateway.model import Consumer, JwtCredential, Route
from mesh.gateway.plugins.base import Exchange
from mesh.gateway.plugins.jwt_auth import JwtPlugin

pytestmark = pytest.mark.unit
USERS = Consumer(id="u-id", username="cinemesh-users", custom_id="cinemesh-user-service")
ANONYMOUS = Consumer(id="a-id", username="cinemesh-anonymous", custom_id=None)
CONSUMERS = {c.id: c for c in (USERS, ANONYMOUS)} | {c.username: c for c in (USERS, ANONYMOUS)}


@pytest.fixture(scope="module")
def credentials(keys_dir):
    key = "cinemesh-user-service"
    return {key: JwtCredential(key, "RS256", load_public_keys(keys_dir), USERS)}


def token(keys_dir, **claims) -> str:
    kid, key = load_signing_key(keys_dir)
    now = int(time.time())
    base = {"iss": "cinemesh-user-service", "sub": "u1", "iat": now, "exp": now + 60}
    return jwt.encode(base | claims, key, algorithm="RS256", headers={"kid": kid})


def exchange(headers: dict[str, str] | None = None, query: str = "") -> Exchange:
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "query_string": query.encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
    }
    route = Route(name="r", service=None, methods=None, paths=("/graphql",))
    return Exchange(request=Request(scope), route=route, client_ip="127.0.0.1")


def plugin(credentials, **config) -> JwtPlugin:
    return JwtPlugin(JWT.with_defaults({"claims_to_verify": ["exp"], **config}), credentials, CONSUMERS)


async def test_without_anonymous_every_failure_is_a_401_with_a_challenge(credentials, keys_dir):
    jwt_plugin = plugin(credentials)
    missing = await jwt_plugin.access(exchange())
    assert (missing.status_code, missing.headers["www-authenticate"]) == (401, "Bearer")
    expired = await jwt_plugin.access(exchange({"Authorization": f"Bearer {token(keys_dir, exp=1)}"}))
    assert expired.status_code == 401
    assert expired.body == b'{"exp": "token expired"}'
    assert expired.headers["www-authenticate"] == 'Bearer error="invalid_token"'


@pytest.mark.parametrize("bearer", [None, "not.a.jwt", "expired"])
async def test_with_anonymous_any_failure_is_the_anonymous_consumer_like_kong(credentials, keys_dir, bearer):
    if bearer == "expired":
        bearer = token(keys_dir, exp=1)
    ex = exchange({"Authorization": f"Bearer {bearer}"} if bearer else {})
    assert await plugin(credentials, anonymous="cinemesh-anonymous").access(ex) is None
    assert ex.consumer == ANONYMOUS and ex.credential is None
    assert ex.upstream_headers == {
        "X-Consumer-ID": "a-id",
        "X-Consumer-Username": "cinemesh-anonymous",
        "X-Anonymous-Consumer": "true",
    }


async def test_anonymous_may_name_the_consumer_by_id(credentials):
    ex = exchange()
    assert await plugin(credentials, anonymous="a-id").access(ex) is None
    assert ex.consumer == ANONYMOUS


async def test_a_valid_token_is_its_consumer_never_anonymous(credentials, keys_dir):
    ex = exchange({"Authorization": f"Bearer {token(keys_dir)}"})
    assert await plugin(credentials, anonymous="cinemesh-anonymous").access(ex) is None
    assert ex.consumer == USERS
    assert ex.upstream_headers["X-Credential-Identifier"] == "cinemesh-user-service"
    assert "X-Anonymous-Consumer" not in ex.upstream_headers


async def test_two_different_tokens_are_refused(credentials, keys_dir):
    ex = exchange({"Authorization": f"Bearer {token(keys_dir)}"}, query=f"jwt={token(keys_dir, sub='u2')}")
    refused = await plugin(credentials).access(ex)
    assert refused.status_code == 401
    assert refused.body == b'{"message": "Multiple tokens provided"}'


async def test_no_query_token_when_uri_param_names_is_empty(credentials, keys_dir):
    refused = await plugin(credentials, uri_param_names=[]).access(exchange(query=f"jwt={token(keys_dir)}"))
    assert refused.body == b'{"message": "Unauthorized"}'
