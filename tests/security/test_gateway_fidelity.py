"""The local gateway (the real kong/kong.yml, as Kong 3 would run it) attacked as a hostile client would.

Every service is the recording echo upstream, so each test can assert the refusal AND that the
refused request never reached a service. The gateway runs in a thread of this process; its log
records are told apart from the test client's by thread name.
"""

import logging
import random
import time
import uuid
from collections.abc import Iterator

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from redis import Redis

from handlers.common.keys import load_signing_key
from mesh.gateway.declarative import load
from mesh.gateway.model import Route
from mesh.gateway.router import Router
from tests.integration.gateway.harness import (
    REPO,
    TEST_REDIS,
    Upstream,
    closed_port,
    gateway_settings,
    raw_request,
    serve,
    serve_gateway,
    upstream_app,
)

pytestmark = [pytest.mark.security, pytest.mark.integration]
ISSUER = "cinemesh-user-service"
GATEWAY_THREADS = ("hostile-gateway", "hostile-dead-gateway")
API_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
}


@pytest.fixture(scope="module")
def login_route(keys_dir) -> Route:
    """The route kong.yml gives ``POST /auth/token`` (its name and per-IP limit come from user.yaml)."""
    match = Router(load(REPO / "kong" / "kong.yml", keys_dir).routes).match("POST", "/auth/token")
    assert match is not None and "rate-limiting" in match.route.plugins
    return match.route


def login_limit(route: Route) -> int:
    return route.plugins["rate-limiting"].config["minute"]


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    recorded = Upstream()
    with serve(upstream_app(recorded), name="hostile-upstream") as url:
        recorded.url = url
        yield recorded


@pytest.fixture(scope="module")
def gateway(keys_dir, upstream) -> Iterator[str]:
    with serve_gateway(gateway_settings(keys_dir, upstream.url), name=GATEWAY_THREADS[0]) as url:
        yield url


@pytest.fixture(scope="module")
def dead_gateway(keys_dir) -> Iterator[str]:
    """The same kong.yml with every service on a closed port: the gateway's own 502s."""
    settings = gateway_settings(keys_dir, f"http://127.0.0.1:{closed_port()}")
    with serve_gateway(settings, name=GATEWAY_THREADS[1]) as url:
        yield url


def token(keys_dir, **overrides) -> str:
    kid, key = load_signing_key(keys_dir)
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "user-1", "role": "user", "iat": now, "exp": now + 300, **overrides}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def fresh_address() -> str:
    return f"127.{random.randint(1, 254)}.{random.randint(0, 254)}.{random.randint(1, 254)}"


def fresh_ip_client(base_url: str, address: str | None = None) -> httpx.Client:
    """A client on a loopback address of its own, so its per-IP counters are its own."""
    transport = httpx.HTTPTransport(local_address=address or fresh_address())
    return httpx.Client(base_url=base_url, transport=transport, timeout=10)


def test_spoofed_forwarding_headers_never_escape_the_per_ip_login_limit(gateway, upstream, login_route):
    """From 127.0.0.1, as measured: a front server that trusts loopback proxies must not be in play."""
    marker, peer, limit = uuid.uuid4().hex, "127.0.0.1", login_limit(login_route)
    counters = Redis.from_url(TEST_REDIS)
    for key in counters.scan_iter(f"ratelimit:{login_route.name}:*:{peer}:*"):
        counters.delete(key)
    with fresh_ip_client(gateway, peer) as client:
        statuses = []
        for attempt in range(25):
            spoofed = f"203.0.113.{attempt + 1}"
            response = client.post(
                "/auth/token",
                json={"email": "nobody@cinemesh.dev", "password": "wrong-password"},
                headers={
                    "X-Forwarded-For": spoofed,
                    "X-Real-IP": spoofed,
                    "Forwarded": f"for={spoofed}",
                    "X-Test-Marker": marker,
                },
            )
            statuses.append(response.status_code)
    assert 429 not in statuses[:limit], statuses
    assert statuses[limit:] == [429] * (25 - limit), statuses
    reached = [
        r for r in upstream.reached("POST", "/auth/token") if r["headers"].get("x-test-marker") == marker
    ]
    assert len(reached) == limit, "only the attempts under the limit reached the service"
    for request in reached:
        headers = request["header_list"]
        assert [v for k, v in headers if k == "x-real-ip"] == [peer], "the service sees the real client"
        forwarded_for = [v for k, v in headers if k == "x-forwarded-for"]
        assert len(forwarded_for) == 1 and forwarded_for[0].endswith(f", {peer}"), forwarded_for


BAD_TARGETS = [
    "/showtimes/1%ff/seats",
    "/movies%00",
    "/movies/%c3%28",
    "/movies/%zz",
    "/movies/abc%2",
    "/cinemas/%01",
    "/users/me%0d%0aX-Injected:%201",
]


@pytest.mark.parametrize("target", BAD_TARGETS)
def test_malformed_percent_encoding_is_a_400_that_reaches_no_service(gateway, upstream, target):
    before = len(upstream.seen)
    status, headers, body = raw_request(gateway, "GET", target, {"Accept": "application/json"})
    assert status == 400, (target, status, body)
    assert headers["content-type"].startswith("application/json")
    assert httpx.Response(400, content=body).json() == {"message": "Bad request"}
    assert headers["x-content-type-options"] == "nosniff"
    assert len(upstream.seen) == before, upstream.seen[before:]
    assert httpx.get(f"{gateway}/movies").status_code == 200, "the gateway still serves"


DOT_SEGMENT_TARGETS = [
    ("/docs/../payments/p-1", "/payments/p-1"),
    ("/docs/%2e%2e/payments/p-1", "/payments/p-1"),
    ("/docs/./%2E%2E/users/me", "/users/me"),
    ("/graphql/../users/me", "/users/me"),
]


@pytest.mark.parametrize(("target", "normalised"), DOT_SEGMENT_TARGETS)
def test_a_dot_segment_path_gets_the_route_and_auth_of_its_normalised_form(
    gateway, upstream, keys_dir, target, normalised
):
    """Kong's router matches the normalised path: a public route's prefix carries nothing past a jwt."""
    before = len(upstream.seen)
    status, _, body = raw_request(gateway, "GET", target, {"Accept": "application/json"})
    assert status == 401, (target, status, body)
    assert httpx.Response(401, content=body).json() == {"message": "Unauthorized"}
    assert len(upstream.seen) == before, upstream.seen[before:]
    status, _, body = raw_request(gateway, "GET", target, {"Authorization": f"Bearer {token(keys_dir)}"})
    assert status == 200, (target, status, body)
    assert [r["raw_path"] for r in upstream.seen[before:]] == [normalised], "the service sees no dot segment"


def test_tokens_never_reach_a_gateway_log_line(gateway, dead_gateway, keys_dir, caplog):
    valid, expired = token(keys_dir), token(keys_dir, exp=int(time.time()) - 60)
    garbage = f"not-a-jwt-{uuid.uuid4().hex}"
    refresh = f"refresh-{uuid.uuid4().hex}"
    secrets = [valid, expired, garbage, refresh]
    caplog.set_level(logging.DEBUG)
    for base in (gateway, dead_gateway):
        for secret in (valid, expired, garbage):
            raw_request(base, "GET", "/users/me", {"Authorization": f"Bearer {secret}"})
            raw_request(base, "GET", f"/users/me?jwt={secret}")
            raw_request(base, "GET", f"/payments?access_token={secret}&jwt={secret}")
            raw_request(base, "POST", f"/graphql?jwt={secret}", {"Content-Length": "0"})
        httpx.post(f"{base}/auth/refresh", json={"refresh_token": refresh})
        httpx.post(f"{base}/auth/token?refresh_token={refresh}", json={})
    gateway_lines = [
        record.getMessage() + (record.exc_text or "")
        for record in caplog.records
        if record.threadName in GATEWAY_THREADS
    ]
    assert gateway_lines, "the gateway logged nothing: the test would prove nothing"
    leaked = [line for line in gateway_lines for secret in secrets if secret in line]
    assert leaked == []


def _assert_api_headers(response: httpx.Response, what: str) -> None:
    for name, value in API_HEADERS.items():
        assert response.headers.get(name) == value, (what, name, dict(response.headers))


def test_security_headers_on_every_kind_of_response(gateway, dead_gateway, login_route):
    responses = {
        "200 proxied": httpx.get(f"{gateway}/movies"),
        "200 gateway health": httpx.get(f"{gateway}/health"),
        "401 jwt": httpx.get(f"{gateway}/users/me"),
        "404 no route": httpx.get(f"{gateway}/nowhere"),
        "413 size": httpx.post(f"{gateway}/users", content=b"x" * (129 * 1024)),
        "502 dead upstream": httpx.get(f"{dead_gateway}/movies"),
    }
    with fresh_ip_client(gateway) as client:
        for _ in range(login_limit(login_route)):
            client.post("/auth/token", json={})
        responses["429 limit"] = client.post("/auth/token", json={})
    expected = {"200 proxied": 200, "200 gateway health": 200, "401 jwt": 401, "404 no route": 404}
    expected |= {"413 size": 413, "502 dead upstream": 502, "429 limit": 429}
    for what, response in responses.items():
        assert response.status_code == expected[what], (what, response.status_code)
        _assert_api_headers(response, what)
    graphiql = httpx.get(f"{gateway}/graphql")
    assert graphiql.status_code == 200
    assert graphiql.headers["x-content-type-options"] == "nosniff"
    assert graphiql.headers["x-frame-options"] == "DENY"
    assert graphiql.headers["content-security-policy"] == "frame-ancestors 'none'", "GraphiQL runs scripts"


def test_anonymous_graphql_reaches_booking_as_the_anonymous_consumer(gateway, upstream, keys_dir):
    spoofed = {
        "X-Anonymous-Consumer": "false",
        "X-Consumer-Username": "cinemesh-users",
        "X-Credential-Identifier": ISSUER,
    }
    response = httpx.post(f"{gateway}/graphql", json={"query": "{ movies { id } }"}, headers=spoofed)
    assert response.status_code == 200, response.text
    seen = response.json()["headers"]
    assert seen["x-anonymous-consumer"] == "true"
    assert seen["x-consumer-username"] == "cinemesh-anonymous"
    assert "x-credential-identifier" not in seen
    authenticated = httpx.post(
        f"{gateway}/graphql", json={}, headers={"Authorization": f"Bearer {token(keys_dir)}"}
    )
    assert authenticated.status_code == 200
    assert authenticated.json()["headers"]["x-consumer-username"] == "cinemesh-users"
    assert "x-anonymous-consumer" not in authenticated.json()["headers"]


def test_an_invalid_bearer_token_on_graphql_is_still_401_and_reaches_no_service(gateway, upstream, keys_dir):
    now = int(time.time())
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = {"iss": ISSUER, "sub": "intruder", "role": "admin", "iat": now, "exp": now + 300}
    bad = {
        "expired": token(keys_dir, iat=now - 600, exp=now - 60),
        "forged": jwt.encode(claims, stranger, algorithm="RS256"),
        "alg-none": jwt.encode(claims, None, algorithm="none"),
        "garbage": "not.a.jwt",
        "unknown-issuer": token(keys_dir, iss="evil"),
    }
    before = len(upstream.reached("POST", "/graphql"))
    for name, value in bad.items():
        response = httpx.post(
            f"{gateway}/graphql",
            json={"query": "{ myBookings { id } }"},
            headers={"Authorization": f"Bearer {value}"},
        )
        assert response.status_code == 401, (name, response.text)
        assert "method" not in response.json(), name
    assert len(upstream.reached("POST", "/graphql")) == before


def test_anonymous_graphql_clients_do_not_share_one_rate_limit_bucket(gateway):
    with fresh_ip_client(gateway) as greedy, fresh_ip_client(gateway) as other:
        remaining = [
            int(greedy.post("/graphql", json={"query": "{ movies { id } }"}).headers["ratelimit-remaining"])
            for _ in range(5)
        ]
        assert remaining == sorted(remaining, reverse=True) and remaining[0] - remaining[-1] == 4
        first_of_other = other.post("/graphql", json={"query": "{ movies { id } }"})
    assert (
        int(first_of_other.headers["ratelimit-remaining"])
        == int(first_of_other.headers["ratelimit-limit"]) - 1
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/payments"),
        ("POST", "/payments/p-1/refunds"),
        ("PUT", "/payments/p-1"),
        ("PATCH", "/payments/p-1"),
        ("DELETE", "/payments/p-1"),
        ("POST", "/payments/p-1"),
        ("GET", "/payments/p-1/refunds"),
    ],
)
def test_payment_writes_are_not_routed_to_the_payment_service(gateway, upstream, keys_dir, method, path):
    before = len(upstream.seen)
    headers = {"Authorization": f"Bearer {token(keys_dir)}", "Idempotency-Key": uuid.uuid4().hex}
    body = {"booking_id": "b-1", "amount": 1, "currency": "XXX", "payment_token": "tok_visa_success"}
    response = httpx.request(method, f"{gateway}{path}", json=body, headers=headers)
    assert response.status_code in (404, 405), response.text
    assert response.json() == {"message": "no Route matched with those values"}
    assert len(upstream.seen) == before, upstream.seen[before:]
    reads = [httpx.get(f"{gateway}{p}", headers=headers) for p in ("/payments", "/payments/p-1")]
    assert [r.status_code for r in reads] == [200, 200], "reads still reach the payment service"
