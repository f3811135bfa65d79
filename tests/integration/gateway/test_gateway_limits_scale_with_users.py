"""The real kong.yml's limits grow with the number of clients and still stop one client flooding.

Each user signs in with their own token and sends from their own address (a random loopback IP), as
users do. Before, every user token counted against the one consumer's 3000/min: 50 authenticated
requests/s for the whole mesh.
"""

import asyncio
import random
import time

import httpx
import jwt
import pytest

from handlers.common.keys import load_signing_key
from mesh.gateway.declarative import build
from mesh.gateway.router import Router

from .harness import REPO

pytestmark = pytest.mark.integration
QUERY = {"query": 'mutation { confirmBooking(bookingId: "b", paymentToken: "t") { error { code } } }'}
OLD_MESH_WIDE_CAP = 3000  # per minute, every authenticated user together


def user_token(keys_dir, user: str) -> str:
    kid, key = load_signing_key(keys_dir)
    now = int(time.time())
    claims = {"iss": "cinemesh-user-service", "sub": user, "role": "user", "iat": now, "exp": now + 300}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def user_client(gateway_url: str, keys_dir, user: str) -> httpx.AsyncClient:
    address = f"127.{random.randint(1, 254)}.{random.randint(0, 254)}.{random.randint(1, 254)}"
    return httpx.AsyncClient(
        base_url=gateway_url,
        headers={"Authorization": f"Bearer {user_token(keys_dir, user)}"},
        transport=httpx.AsyncHTTPTransport(local_address=address),
        timeout=30,
    )


def graphql_limit(keys_dir) -> int:
    import yaml

    doc = yaml.safe_load((REPO / "kong" / "kong.yml").read_text())
    match = Router(build(doc, keys_dir).routes).match("POST", "/graphql", {"Authorization": "Bearer x"})
    return int(match.route.plugins["rate-limiting"].config["minute"])


async def answers(client: httpx.AsyncClient, count: int, concurrency: int = 8) -> list[httpx.Response]:
    remaining = iter(range(count))
    seen: list[httpx.Response] = []

    async def worker() -> None:
        for _ in remaining:
            seen.append(await client.post("/graphql", json=QUERY))

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return seen


async def test_one_user_flooding_gets_429_while_another_still_gets_through(gateway_url, keys_dir, upstream):
    limit = graphql_limit(keys_dir)
    async with (
        user_client(gateway_url, keys_dir, "greedy") as greedy,
        user_client(gateway_url, keys_dir, "other") as other,
    ):
        # A flood shorter than a minute spans at most two fixed windows, so 2 x limit + 1 requests
        # overflow one of them wherever the window boundary falls.
        flood = [answer.status_code for answer in await answers(greedy, 2 * limit + 1)]
        assert set(flood) == {200, 429}, set(flood)
        refused = await greedy.post("/graphql", json=QUERY)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        before = len(upstream.reached("POST", "/graphql"))
        answer = await other.post("/graphql", json=QUERY)
    assert answer.status_code == 200, answer.text
    assert len(upstream.reached("POST", "/graphql")) == before + 1, "the other user reached booking"
    assert flood.count(200) <= 2 * limit


async def test_many_users_together_are_not_capped_at_the_old_mesh_wide_limit(gateway_url, keys_dir):
    limit = graphql_limit(keys_dir)
    users = 40
    per_user = OLD_MESH_WIDE_CAP // users + 15  # together more than the old cap, each well under its own
    clients = [user_client(gateway_url, keys_dir, f"user-{n}") for n in range(users)]
    try:
        sent = await asyncio.gather(*(answers(client, per_user, concurrency=2) for client in clients))
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))
    every = [answer for answers_of_user in sent for answer in answers_of_user]
    assert len(every) > OLD_MESH_WIDE_CAP
    assert {answer.status_code for answer in every} == {200}
    # Each user's counter holds that user's requests only: with a shared bucket the others' would
    # count too (and the old one would have run out of its 3000 within the first minute).
    for answers_of_user in sent:
        lowest = min(int(answer.headers["x-ratelimit-remaining-minute"]) for answer in answers_of_user)
        assert lowest >= limit - per_user, lowest
