"""Refresh-token rotation, reuse detection, revocation and the JWKS."""

import asyncio

import jwt
import pytest
from jwt import PyJWKSet

pytestmark = pytest.mark.integration


async def refresh(user_api, refresh_token: str):
    return await user_api.post("/auth/refresh", json={"refresh_token": refresh_token})


async def test_refresh_rotates_and_refuses_a_used_token(user_api, account):
    old = account["tokens"]["refresh_token"]
    rotated = await refresh(user_api, old)
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()
    assert new["refresh_token"] != old
    me = await user_api.get("/users/me", headers={"Authorization": f"Bearer {new['access_token']}"})
    assert me.json()["id"] == account["user"]["id"]

    reused = await refresh(user_api, old)
    assert reused.status_code == 401
    assert reused.headers["content-type"] == "application/problem+json"


async def test_reusing_a_rotated_token_revokes_the_whole_chain(user_api, account):
    old = account["tokens"]["refresh_token"]
    new = (await refresh(user_api, old)).json()["refresh_token"]
    assert (await refresh(user_api, old)).status_code == 401  # a stolen token was replayed
    assert (await refresh(user_api, new)).status_code == 401  # so the chain is dead


async def test_revoked_refresh_token_is_refused(user_api, account):
    token = account["tokens"]["refresh_token"]
    assert (await user_api.post("/auth/revoke", json={"refresh_token": token})).status_code == 204
    assert (await refresh(user_api, token)).status_code == 401
    assert (await user_api.post("/auth/revoke", json={"refresh_token": "unknown"})).status_code == 204


async def test_concurrent_refreshes_of_one_token_succeed_once(user_api, account):
    token = account["tokens"]["refresh_token"]
    responses = await asyncio.gather(*(refresh(user_api, token) for _ in range(20)))
    assert sorted(r.status_code for r in responses) == [200] + [401] * 19


async def test_unknown_refresh_token_is_401(user_api):
    assert (await refresh(user_api, "definitely-not-issued")).status_code == 401


async def test_jwks_verifies_issued_access_tokens(user_api, account, user_settings):
    response = await user_api.get("/.well-known/jwks.json")
    assert response.status_code == 200
    keyset = PyJWKSet.from_dict(response.json())
    token = account["tokens"]["access_token"]
    key = keyset[jwt.get_unverified_header(token)["kid"]]
    claims = jwt.decode(token, key.key, algorithms=["RS256"], issuer=user_settings.jwt_issuer)
    assert claims["sub"] == account["user"]["id"]
    assert all("d" not in jwk and "p" not in jwk for jwk in response.json()["keys"])


async def test_health(user_api):
    response = await user_api.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
