"""The local gateway with the real kong.yml in front of an echo upstream: routing, auth, limits."""

import base64
import hashlib
import hmac
import json
import random
import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from handlers.common.keys import load_signing_key
from mesh.gateway.openapi2kong.contract import Access, operations
from mesh.gateway.openapi2kong.document import PARAMETER

from .harness import REPO

pytestmark = pytest.mark.integration
ISSUER = "cinemesh-user-service"
CINEMA = "contracts/openapi/cinema.yaml"


def token(keys_dir, **overrides) -> str:
    kid, key = load_signing_key(keys_dir)
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "user-1", "role": "user", "iat": now, "exp": now + 300, **overrides}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def client_from_fresh_ip(base_url: str) -> httpx.Client:
    """A client whose source address is a random loopback IP, so its rate-limit counters are its own."""
    address = f"127.{random.randint(1, 254)}.{random.randint(0, 254)}.{random.randint(1, 254)}"
    return httpx.Client(base_url=base_url, transport=httpx.HTTPTransport(local_address=address))


def test_health_is_answered_by_the_gateway(gateway_url):
    response = httpx.get(f"{gateway_url}/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "method" not in response.json()


def test_public_route_keeps_path_query_and_adds_forwarding_headers(gateway_url):
    response = httpx.get(f"{gateway_url}/showtimes/abc/seats?date=2026-01-01")
    assert response.status_code == 200
    echoed = response.json()
    assert echoed["path"] == "/showtimes/abc/seats"
    assert echoed["query"] == "date=2026-01-01"
    assert echoed["headers"]["x-forwarded-for"] == "127.0.0.1"
    assert echoed["headers"]["x-correlation-id"] == response.headers["x-correlation-id"]
    assert response.headers["ratelimit-limit"] == "3000"


def test_encoded_path_reaches_upstream_as_kong_normalises_it(gateway_url):
    """Matched and forwarded normalised: reserved escapes kept (upper case), the rest decoded, re-escaped."""
    for sent, forwarded in [
        ("/showtimes/a%2Fb%20c/seats", "/showtimes/a%2Fb%20c/seats"),
        ("/showtimes/a%2fb/seats", "/showtimes/a%2Fb/seats"),
        ("/showtimes/%41%2Db/seats", "/showtimes/A-b/seats"),
        ("/showtimes/%C3%A9t%C3%A9/seats", "/showtimes/%C3%A9t%C3%A9/seats"),
    ]:
        response = httpx.get(f"{gateway_url}{sent}")
        assert response.status_code == 200, (sent, response.text)
        assert response.json()["raw_path"] == forwarded, sent


def test_client_correlation_id_is_kept(gateway_url):
    response = httpx.get(f"{gateway_url}/movies", headers={"X-Correlation-ID": "trace-me-42"})
    assert response.json()["headers"]["x-correlation-id"] == "trace-me-42"
    assert response.headers["x-correlation-id"] == "trace-me-42"


def test_unknown_path_and_wrong_method_get_kong_404(gateway_url):
    for method, path in [("GET", "/nowhere"), ("DELETE", "/users/me"), ("GET", "/users")]:
        response = httpx.request(method, f"{gateway_url}{path}")
        assert response.status_code == 404, (method, path)
        assert response.json() == {"message": "no Route matched with those values"}


def test_valid_token_reaches_upstream_with_consumer_headers(gateway_url, keys_dir):
    response = httpx.get(f"{gateway_url}/users/me", headers=bearer(token(keys_dir)))
    assert response.status_code == 200
    headers = response.json()["headers"]
    assert headers["x-consumer-username"] == "cinemesh-users"
    assert headers["x-consumer-custom-id"] == "cinemesh-user-service"
    assert headers["x-credential-identifier"] == ISSUER
    assert headers["authorization"].startswith("Bearer ")


def test_spoofed_consumer_headers_never_reach_upstream(gateway_url):
    response = httpx.get(
        f"{gateway_url}/cinemas",
        headers={"X-Consumer-ID": "admin", "X-Credential-Identifier": "x", "X-Anonymous-Consumer": "false"},
    )
    assert "x-consumer-id" not in response.json()["headers"]
    assert "x-credential-identifier" not in response.json()["headers"]
    assert "x-anonymous-consumer" not in response.json()["headers"]


def test_payment_reads_are_routed_and_writes_are_not(gateway_url, upstream, keys_dir):
    auth = bearer(token(keys_dir))
    assert httpx.get(f"{gateway_url}/payments", params={"booking_id": "b1"}, headers=auth).status_code == 200
    assert httpx.get(f"{gateway_url}/payments/p1", headers=auth).status_code == 200
    assert httpx.get(f"{gateway_url}/payments/p1").status_code == 401
    before = len(upstream.seen)
    for method, path in [("POST", "/payments"), ("POST", "/payments/p1/refunds"), ("GET", "/payments/p1/x")]:
        response = httpx.request(method, f"{gateway_url}{path}", json={}, headers=auth)
        assert response.status_code == 404, (method, path)
    assert len(upstream.seen) == before


def test_bad_tokens_are_401_with_kong_messages(gateway_url, keys_dir):
    _, real_key = load_signing_key(keys_dir)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "u", "role": "admin", "iat": now, "exp": now + 300}
    public_pem = real_key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    cases = {
        "missing": ({}, {"message": "Unauthorized"}),
        "expired": (bearer(token(keys_dir, exp=now - 10, iat=now - 100)), {"exp": "token expired"}),
        "forged": (
            bearer(jwt.encode(claims, other_key, algorithm="RS256")),
            {"message": "Invalid signature"},
        ),
        "alg-none": (
            bearer(jwt.encode(claims, None, algorithm="none")),
            {"message": "Bad token; invalid alg"},
        ),
        "hs256-with-public-key": (bearer(_hs256(claims, public_pem)), {"message": "Invalid algorithm"}),
        "unknown-issuer": (
            bearer(token(keys_dir, iss="evil")),
            {"message": "No credentials found for given 'iss'"},
        ),
        "garbage": (bearer("not.a.jwt"), None),
    }
    for name, (headers, body) in cases.items():
        for path in ("/users/me", "/payments"):
            response = httpx.get(f"{gateway_url}{path}", headers=headers)
            assert response.status_code == 401, (name, path, response.text)
            assert "method" not in response.json(), name
            if body is not None:
                assert response.json() == body, name
            challenge = "Bearer" if name == "missing" else 'Bearer error="invalid_token"'
            assert response.headers["www-authenticate"] == challenge, name


def _hs256(claims: dict, secret: bytes) -> str:
    """HS256 signed with the RSA public key as secret (the classic algorithm-confusion forgery)."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = (
        f"{b64(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode())}.{b64(json.dumps(claims).encode())}"
    )
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def test_graphql_is_public_and_a_bearer_token_is_checked(gateway_url, keys_dir):
    anonymous = httpx.post(f"{gateway_url}/graphql", json={"query": "{__typename}"})
    assert anonymous.status_code == 200
    assert anonymous.json()["headers"]["x-anonymous-consumer"] == "true"
    assert "authorization" not in anonymous.json()["headers"]
    user = httpx.post(f"{gateway_url}/graphql", json={}, headers=bearer(token(keys_dir)))
    assert user.status_code == 200
    assert user.json()["headers"]["x-consumer-username"] == "cinemesh-users"
    expired = token(keys_dir, exp=int(time.time()) - 10)
    refused = httpx.post(f"{gateway_url}/graphql", json={}, headers=bearer(expired))
    assert refused.status_code == 401
    assert refused.json() == {"exp": "token expired"}
    assert refused.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert httpx.get(f"{gateway_url}/graphql").status_code == 200


def test_a_token_in_the_query_string_is_not_a_credential(gateway_url, keys_dir):
    """Tokens travel in the Authorization header only (``uri_param_names: []``): a query string is logged."""
    assert httpx.get(f"{gateway_url}/users/me", params={"jwt": token(keys_dir)}).status_code == 401
    graphql = httpx.post(f"{gateway_url}/graphql", params={"jwt": token(keys_dir)}, json={})
    assert graphql.status_code == 200
    assert graphql.json()["headers"]["x-anonymous-consumer"] == "true"


def test_catalog_writes_need_a_token(gateway_url, upstream, keys_dir):
    """Every cinema.yaml operation whose security asks for a user token: 401 without one, reached with one."""
    writes = [op for op in operations(REPO, CINEMA) if op.access is Access.USER]
    assert {op.method for op in writes} == {"POST", "PATCH"}, writes
    for op in writes:
        path = PARAMETER.sub("x1", op.path)
        before = len(upstream.seen)
        refused = httpx.request(op.method, f"{gateway_url}{path}", json={})
        assert refused.status_code == 401, (op, refused.text)
        assert len(upstream.seen) == before, op
        ok = httpx.request(op.method, f"{gateway_url}{path}", json={}, headers=bearer(token(keys_dir)))
        assert ok.status_code == 200, (op, ok.text)
        assert (ok.json()["method"], ok.json()["raw_path"]) == (op.method, path)


def test_login_is_rate_limited_per_ip_with_retry_after(gateway_url):
    with client_from_fresh_ip(gateway_url) as client, client_from_fresh_ip(gateway_url) as other:
        statuses = [client.post("/auth/token", json={}).status_code for _ in range(20)]
        assert statuses == [200] * 20
        limited = client.post("/auth/token", json={})
        assert limited.status_code == 429
        assert limited.json() == {"message": "API rate limit exceeded"}
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        assert limited.headers["ratelimit-remaining"] == "0"
        assert limited.headers["ratelimit-limit"] == "20"
        assert other.post("/auth/token", json={}).status_code == 200


def test_cors_preflight_is_answered_without_the_upstream(gateway_url):
    response = httpx.options(
        f"{gateway_url}/graphql",
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"].split(",")
    assert "Authorization" in response.headers["access-control-allow-headers"]
    simple = httpx.get(f"{gateway_url}/movies", headers={"Origin": "http://localhost:3000"})
    assert simple.headers["access-control-allow-origin"] == "*"
    assert "X-Correlation-ID" in simple.headers["access-control-expose-headers"]


def test_request_size_limit(gateway_url):
    small = httpx.post(f"{gateway_url}/users", content=b"x" * 1000)
    assert small.status_code == 200
    assert small.json()["body_length"] == 1000
    big = httpx.post(f"{gateway_url}/users", content=b"x" * (129 * 1024))
    assert big.status_code == 413
    assert big.json() == {"message": "Request size limit exceeded"}

    def chunked():
        for _ in range(200):
            yield b"y" * 1024

    assert httpx.post(f"{gateway_url}/users", content=chunked()).status_code == 413
