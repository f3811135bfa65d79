"""Service identities at the REST services (issue 9, defect 12), attacked in-process.

- Each app verifies with the keys of the settings it was built with (not a process-wide verifier
  read from the environment), and finds a rotated key without a restart.
- A service's key cannot mint a user or an admin token: booking's key signing ``role: admin``
  claims is refused by the user, cinema and payment services alike, and nothing changes.
"""

import asyncio
import time
import uuid

import httpx
import jwt
import pytest

from handlers.cinema.app import create_app as cinema_app
from handlers.common.keys import ensure_dev_keys, load_signing_key, write_key_pair
from handlers.common.settings import ServiceSettings
from handlers.common.signing import sign_token
from handlers.payment.app import create_app as payment_app
from handlers.payment.settings import PaymentSettings
from handlers.user.app import create_app as user_app
from handlers.user.settings import UserSettings
from tests.integration.cinema.conftest import cinema_engine, cinema_settings  # noqa: F401 (fixtures)
from tests.integration.payment.conftest import payment_db  # noqa: F401 (fixture)

pytestmark = [pytest.mark.security, pytest.mark.integration]


@pytest.fixture(scope="module")
def own_keys(tmp_path_factory):
    keys_dir = tmp_path_factory.mktemp("keys")
    ensure_dev_keys(keys_dir)
    return keys_dir


@pytest.fixture(scope="module")
def payment_settings(own_keys) -> PaymentSettings:
    return PaymentSettings(mongo_db="payments_identity_test", outbox_relay=False, jwt_keys_dir=own_keys)


def client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service.test")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def admin_minted_by_booking(keys_dir) -> str:
    """What a compromised booking process could sign: an admin token with the user issuer's claims."""
    kid, key = load_signing_key(keys_dir, "booking")
    now = int(time.time())
    claims = {"iss": ServiceSettings().jwt_issuer, "sub": "usr_forged", "role": "admin"}
    return jwt.encode({**claims, "iat": now, "exp": now + 300}, key, algorithm="RS256", headers={"kid": kid})


async def test_an_app_verifies_with_the_keys_it_was_built_with(payment_settings, payment_db):  # noqa: F811
    async with client(payment_app(payment_settings)) as payment:
        own = sign_token(payment_settings, "usr_1", "user", 300)
        assert (await payment.get("/payments", headers=bearer(own))).status_code == 200
        elsewhere = sign_token(ServiceSettings(), "usr_1", "user", 300)  # the environment's keys
        refused = await payment.get("/payments", headers=bearer(elsewhere))
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"


async def test_a_rotated_user_key_is_accepted_without_a_restart(payment_settings, payment_db):  # noqa: F811
    async with client(payment_app(payment_settings)) as payment:
        first = bearer(sign_token(payment_settings, "usr_1", "user", 60))
        assert (await payment.get("/payments", headers=first)).status_code == 200
        write_key_pair(payment_settings.jwt_keys_dir, "user")
        rotated = bearer(sign_token(payment_settings, "usr_rotated", "user", 300))
        deadline = time.monotonic() + 5  # an unknown kid rereads the directory at most once a second
        while (status := (await payment.get("/payments", headers=rotated)).status_code) != 200:
            assert status == 401 and time.monotonic() < deadline, status
            await asyncio.sleep(0.1)


async def test_a_service_key_cannot_mint_an_admin_token_anywhere(
    own_keys,
    payment_settings,
    payment_db,  # noqa: F811
    cinema_settings,  # noqa: F811
    cinema_engine,  # noqa: F811
):
    forged = bearer(admin_minted_by_booking(own_keys))
    cinema = cinema_settings.model_copy(update={"jwt_keys_dir": own_keys})
    user = UserSettings(mongo_db="users_identity_test", outbox_relay=False, jwt_keys_dir=own_keys)
    title = f"Forged {uuid.uuid4().hex}"
    movie = {"title": title, "duration_minutes": 90, "rating": "PG", "genres": ["drama"]}
    async with client(cinema_app(cinema, cinema_engine)) as catalog:
        refused = await catalog.post("/movies", json=movie, headers=forged)
        assert refused.status_code == 401, refused.text
        listed = (await catalog.get("/movies", params={"limit": 100})).json()
        assert title not in {item["title"] for item in listed["items"]}
    async with client(payment_app(payment_settings)) as payment:
        assert (await payment.get("/payments", headers=forged)).status_code == 401
    async with client(user_app(user)) as users:
        assert (await users.get("/users/me", headers=forged)).status_code == 401
