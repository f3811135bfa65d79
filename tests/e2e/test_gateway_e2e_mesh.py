"""End to end, through the gateway on :8000, with the whole mesh running (see conftest.py)."""

import asyncio
import random
import subprocess
import sys
import time
import uuid

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from bench.gateway_overhead import measure
from bench.rush import rush
from bench.rush.loop import SEATS_TAKEN
from generated.graphql_client import BookingErrorCode, BookingStatus
from generated.graphql_client.operations import CREATE_BOOKING_GQL
from handlers.common.settings import REPO_ROOT, ServiceSettings
from handlers.common.signing import sign_token
from mesh import journey, supervisor
from mesh.processes import GATEWAY, by_name

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def outbox_dir():
    from handlers.notification.settings import NotificationSettings

    return NotificationSettings().outbox_dir


async def test_booking_journey_confirms_and_notifies(gateway, new_user, fresh_showtime):
    user, token = new_user()
    seats = [seat["seat_id"] for seat in journey.available_seats(gateway, fresh_showtime["id"])[:2]]
    async with journey.booking_api(gateway, token) as api:
        created = await journey.create_booking(api, fresh_showtime["id"], seats)
        assert created.error is None, created
        assert created.booking.status == BookingStatus.PENDING
        booking_id = created.booking.id

        confirmed = await journey.confirm_booking(api, booking_id)
        assert confirmed.error is None, confirmed
        assert confirmed.booking.status == BookingStatus.CONFIRMED
        assert (await api.get_booking(id=booking_id)).status == BookingStatus.CONFIRMED

    seat_states = {s["seat_id"]: s["state"] for s in journey.seats(gateway, fresh_showtime["id"])}
    assert [seat_states[seat] for seat in seats] == ["sold", "sold"]
    payments = gateway.get("/payments", params={"booking_id": booking_id}, headers=journey.bearer(token))
    assert payments.status_code == 200, payments.text

    notification = journey.find_notification(outbox_dir(), booking_id)
    assert notification is not None, "no booking confirmation was delivered"
    assert user["email"] in notification.read_text()


def test_make_demo_runs_the_scripted_booking(mesh):
    result = subprocess.run(
        [sys.executable, "-m", "mesh", "demo"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"status": "CONFIRMED"' in result.stdout
    assert "is confirmed" in result.stdout


def _mint(**overrides) -> str:
    return sign_token(ServiceSettings(), "usr_e2e", "user", 300, **overrides)


def test_gateway_refuses_missing_expired_forged_and_alg_none_tokens(gateway, new_user):
    now = int(time.time())
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = {"iss": "cinemesh-user-service", "sub": "usr_e2e", "role": "admin", "iat": now, "exp": now + 300}
    bad = {
        "missing": None,
        "expired": _mint(iat=now - 600, exp=now - 60),
        "forged": jwt.encode(claims, stranger, algorithm="RS256"),
        "alg-none": jwt.encode(claims, None, algorithm="none"),
    }
    calls = [
        ("GET", "/users/me", None),
        ("POST", "/graphql", {"query": "{ myBookings { id } }"}),
        ("GET", "/payments", None),
        ("POST", "/showtimes", {}),
    ]
    for name, token in bad.items():
        headers = journey.bearer(token) if token else {}
        for method, path, body in calls:
            response = gateway.request(method, path, json=body, headers=headers)
            if name == "missing" and path == "/graphql":  # anonymous GraphQL: booking's resolvers decide
                assert response.status_code == 400, response.text  # ariadne: no data, only errors
                [error] = response.json()["errors"]
                assert error["extensions"]["code"] == "UNAUTHENTICATED"
                continue
            assert response.status_code == 401, (name, path, response.text)
            assert response.headers["content-type"].startswith("application/json"), "answered by the gateway"
            assert set(response.json()) <= {"message", "exp"}, response.json()
    _, token = new_user()
    assert gateway.get("/users/me", headers=journey.bearer(token)).status_code == 200


def test_login_rate_limit_answers_429_with_retry_after(mesh):
    address = f"127.{random.randint(1, 254)}.{random.randint(0, 254)}.{random.randint(1, 254)}"
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(base_url=mesh.gateway_url, transport=transport, timeout=30) as client:
        statuses = []
        for _ in range(21):
            body = {"email": f"nobody-{uuid.uuid4().hex[:8]}@cinemesh.dev", "password": "wrong-password-1"}
            response = client.post("/auth/token", json=body)
            statuses.append(response.status_code)
    assert 429 not in statuses[:20], statuses
    assert statuses[20] == 429
    assert response.json() == {"message": "API rate limit exceeded"}
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert response.headers["ratelimit-remaining"] == "0"


def test_cors_preflight_is_answered(gateway):
    for path in ("/graphql", "/users", "/auth/token", "/payments", "/showtimes"):
        response = gateway.options(
            path,
            headers={
                "Origin": "http://localhost:5173",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type",
            },
        )
        assert response.status_code == 200, (path, response.text)
        assert response.headers["access-control-allow-origin"] == "*"
        assert "POST" in response.headers["access-control-allow-methods"]
    simple = gateway.get("/movies", headers={"Origin": "http://localhost:5173"})
    assert simple.status_code == 200
    assert simple.headers["access-control-allow-origin"] == "*"


@pytest.fixture(scope="module")
def traced_correlation_id(gateway, fresh_showtime) -> str:
    """One correlation id sent on a log-in, a seat map, a booking and a payment lookup."""
    correlation = f"e2e-{uuid.uuid4()}"
    traced = {"X-Correlation-ID": correlation}
    user = journey.register(gateway)
    credentials = {"email": user["email"], "password": user["password"]}
    token = gateway.post("/auth/token", json=credentials, headers=traced).json()["access_token"]
    auth = {**traced, **journey.bearer(token)}
    seats = gateway.get(f"/showtimes/{fresh_showtime['id']}/seats", headers=traced).json()["seats"]
    free = [seat["seat_id"] for seat in seats if seat["state"] == "available"][-1:]
    query = {  # the raw request, for its response headers
        "query": CREATE_BOOKING_GQL,
        "variables": {
            "showtimeId": str(fresh_showtime["id"]),
            "seatIds": free,
            "idempotencyKey": correlation,
        },
    }
    created = gateway.post("/graphql", json=query, headers=auth)
    assert created.headers["x-correlation-id"] == correlation
    booking_id = created.json()["data"]["createBooking"]["booking"]["id"]
    gateway.get("/payments", params={"booking_id": booking_id}, headers=auth)
    return correlation


@pytest.mark.parametrize("service", ["gateway", "user", "cinema", "booking", "payment"])
def test_correlation_id_reaches_the_service_log(traced_correlation_id, service):
    spec = by_name(service)
    assert _logged(spec, traced_correlation_id), (
        f"correlation id {traced_correlation_id} absent from {supervisor.log_path(spec)}"
    )


def test_correlation_id_crosses_grpc_into_the_seat_inventory_log(traced_correlation_id):
    spec = by_name("cinema")
    line = f"HoldSeats -> OK correlation_id={traced_correlation_id}"
    assert _logged(spec, line), f"{line!r} absent from {supervisor.log_path(spec)}"


def _logged(spec, needle: str, wait_seconds: float = 10) -> bool:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            if needle in supervisor.log_path(spec).read_text(errors="replace"):
                return True
        except FileNotFoundError:
            pass
        if time.monotonic() > deadline:
            return False
        time.sleep(0.25)


async def _book(gateway: httpx.Client, token: str, showtime_id, seat_ids: list[str]):
    async with journey.booking_api(gateway, token) as api:
        return await journey.create_booking(api, showtime_id, seat_ids)


async def test_two_users_racing_for_the_same_seats_one_wins_each_seat(
    mesh, gateway, new_user, fresh_showtime
):
    (_, alice), (_, bob) = new_user(), new_user()
    showtime_id = fresh_showtime["id"]
    async with httpx.AsyncClient(base_url=mesh.gateway_url, timeout=30) as client:
        seat_map = (await client.get(f"/showtimes/{showtime_id}/seats")).json()["seats"]
        free = [seat["seat_id"] for seat in seat_map if seat["state"] == "available"]
        rounds = [
            (free[0:2], free[0:2]),
            (free[2:4], free[3:5]),
            (free[5:6], free[5:6]),
            (free[6:9], free[8:10]),
        ]
        winners: dict[str, str] = {}
        for alice_seats, bob_seats in rounds:
            results = await asyncio.gather(
                _book(gateway, alice, showtime_id, alice_seats), _book(gateway, bob, showtime_id, bob_seats)
            )
            won = [r.booking for r in results if r.booking]
            lost = [r.error for r in results if r.error]
            assert len(won) == 1 and len(lost) == 1, results
            assert lost[0].code == BookingErrorCode.SEATS_UNAVAILABLE
            for seat in won[0].seat_ids:
                assert seat not in winners, f"{seat} sold twice"
                winners[seat] = won[0].id
        states = {
            s["seat_id"]: s["state"]
            for s in (await client.get(f"/showtimes/{showtime_id}/seats")).json()["seats"]
        }
    contested = {seat for a, b in rounds for seat in set(a) & set(b)}
    assert contested <= set(winners)
    for alice_seats, bob_seats in rounds:
        for seat in set(alice_seats) | set(bob_seats):
            assert states[seat] == ("held" if seat in winners else "available"), seat


def test_gateway_health(gateway):
    response = gateway.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert supervisor.healthy(GATEWAY)


def test_the_docs_portal_is_public_at_the_gateway(gateway):
    index = gateway.get("/docs")
    assert index.status_code == 200 and "text/html" in index.headers["content-type"]
    for contract in ("user.yaml", "cinema.yaml", "payment.yaml", "booking.graphql", "events.yaml"):
        assert contract in index.text, contract
    raw = gateway.get("/docs/contracts/openapi/payment.yaml")
    assert raw.status_code == 200 and "openapi: 3.0.3" in raw.text


async def test_the_gateway_benchmark_measures_both_paths(mesh, fresh_showtime):
    path = f"/showtimes/{fresh_showtime['id']}/seats"
    for base_url in (by_name("cinema").url, mesh.gateway_url):
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            rate, p50, p99 = await measure(client, path, requests=20, warm_up=1)
        assert rate > 0 and 0 < p50 <= p99, (base_url, rate, p50, p99)


async def test_the_rush_benchmark_books_through_both_paths(mesh):
    """The load generator of ``make bench`` (bench/rush) for a few seconds with 2 users, on this mesh."""
    result = await rush(
        user_counts=(2,),
        seconds=2,
        warm_up=0.5,
        race_attempts=20,
        gateway_url=mesh.gateway_url,
        history_size=0,
    )
    assert [(users, path) for users, path, _, _ in result.loops] == [
        (1, "gateway"),
        (2, "gateway"),
        (2, "direct"),
    ]
    for users, path, samples, _ in result.loops:
        whole = sorted(samples.latencies["whole booking"])
        assert samples.confirmed == len(whole) > 0, (users, path)
        assert 0 < whole[len(whole) // 2] <= whole[-1], (users, path)
        assert set(samples.errors) <= {SEATS_TAKEN}, (users, path, samples.errors)
    for path, race in result.races:
        assert race.winners == 10 and sorted(race.sold.values()) == [1] * 10, (path, race)
        assert race.errors == {SEATS_TAKEN: 10}, (path, race.errors)
    assert "confirmed/s" in result.markdown()
