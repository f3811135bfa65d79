"""The path as Kong 3's router matches it and forwards it (kong/tools/uri.lua), through the real kong.yml."""

import json
import socket
from pathlib import Path

import pytest
import yaml
from starlette.testclient import TestClient

from mesh.gateway.app import create_app
from mesh.gateway.declarative import load
from mesh.gateway.router import Router
from mesh.gateway.settings import GatewaySettings
from mesh.gateway.uri import escape, normalize

pytestmark = pytest.mark.unit
KONG_YML = Path(__file__).resolve().parents[3] / "kong" / "kong.yml"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        (b"/showtimes/a%2Fb/seats", b"/showtimes/a%2Fb/seats"),  # reserved: stays encoded
        (b"/showtimes/a%2fb/seats", b"/showtimes/a%2Fb/seats"),  # ... in upper case
        (b"/movies/%41bc", b"/movies/Abc"),  # unreserved: decoded
        (b"/movies/a%20b", b"/movies/a b"),  # neither: decoded too (Kong decodes "as much as possible")
        (b"/movies/%2541", b"/movies/%2541"),  # one pass: %25 is reserved, nothing decoded twice
        (b"/a/../users/me", b"/users/me"),
        (b"/a/./b/.", b"/a/b/"),
        (b"/a/b/..", b"/a/"),
        (b"/../../users/me", b"/users/me"),  # never above the root
        (b"/docs/%2e%2e/users/me", b"/users/me"),  # an escaped dot is a dot
        (b"/docs/..%2Fusers", b"/docs/..%2Fusers"),  # %2F is no separator: no dot segment here
        (b"//users//me", b"/users/me"),  # the router merges slashes
        (b"/", b"/"),
    ],
)
def test_normalize_as_kong(raw, normalised):
    assert normalize(raw) == normalised


def test_escape_encodes_only_what_cannot_stand_in_a_request_line():
    assert escape(b"/showtimes/a%2Fb c/seats") == "/showtimes/a%2Fb%20c/seats"
    assert escape("/movies/été".encode()) == "/movies/%C3%A9t%C3%A9"
    assert escape(b"/x/!$&'()*+,;=:@[]~-._%41") == "/x/!$&'()*+,;=:@[]~-._%41"
    assert escape(b'/x/"<>\\^`{|}') == "/x/%22%3C%3E%5C%5E%60%7B%7C%7D"


@pytest.fixture(scope="module")
def router(keys_dir) -> Router:
    return Router(load(KONG_YML, keys_dir).routes)


def routed(router: Router, method: str, raw: bytes) -> str | None:
    match = router.match(method, normalize(raw).decode("utf-8"))
    return match.route.name if match else None


def test_an_encoded_slash_stays_inside_one_templated_segment(router):
    assert routed(router, "GET", b"/showtimes/a%2Fb/seats") == "handlers.cinema.api.showtimes.seats"
    assert routed(router, "GET", b"/showtimes/a%2Fb") == "handlers.cinema.api.showtimes.get"


def test_an_encoded_unreserved_character_is_matched_decoded(router):
    assert routed(router, "GET", b"/%6Dovies") == "handlers.cinema.api.movies.search"
    assert routed(router, "GET", b"/users/%6De") == "handlers.user.api.users.me"


@pytest.mark.parametrize(
    ("raw", "route"),
    [
        (b"/a/../users/me", "handlers.user.api.users.me"),
        (b"/docs/../payments/p-1", "handlers.payment.api.payments.fetch"),
        (b"/docs/%2e%2e/payments/p-1", "handlers.payment.api.payments.fetch"),
        (b"/graphql/../users/me", "handlers.user.api.users.me"),
        (b"/docs/..%2Fpayments", "docs-portal"),
    ],
)
def test_a_dot_segment_path_takes_the_route_of_its_normalised_form(router, raw, route):
    assert routed(router, "GET", raw) == route


async def _get(app, raw_path: bytes) -> tuple[int, bytes]:
    """One GET whose path reaches the gateway byte for byte (httpx would remove its dot segments)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": raw_path.decode(),
        "raw_path": raw_path,
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


@pytest.mark.parametrize(
    "target", [b"/docs/../payments/p-1", b"/docs/%2e%2e/payments/p-1", b"/docs/./../users/me"]
)
def test_the_public_docs_prefix_does_not_carry_a_dot_segment_past_the_jwt(keys_dir, target):
    """``~/docs/`` is a public prefix route: what its dot segments point at is matched instead, as in Kong."""
    dead = f"http://127.0.0.1:{closed_port()}"
    doc = yaml.safe_load(KONG_YML.read_text())
    settings = GatewaySettings(
        kong_config=KONG_YML,
        jwt_keys_dir=keys_dir,
        upstreams={service["name"]: dead for service in doc["services"]},
        redis_url=f"redis://127.0.0.1:{closed_port()}/0",
    )
    app = create_app(settings)
    with TestClient(app) as client:
        status, body = client.portal.call(_get, app, target)
    assert (status, json.loads(body)) == (401, {"message": "Unauthorized"})
