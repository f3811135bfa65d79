"""Registration, log-in and /users/me against the real MongoDB-wire server."""

import asyncio
import logging
import os
import sys
from pathlib import Path

import jwt
import pytest
from pydantic import SecretStr

from handlers.common.auth import TokenVerifier
from handlers.common.keys import load_public_keys
from handlers.user import accounts, passwords
from handlers.user.models import User

pytestmark = pytest.mark.integration
PASSWORD = "correct-horse-42"
REPO = Path(__file__).resolve().parents[3]


async def test_register_login_me_round_trip(user_api, user_settings, email, caplog):
    caplog.set_level(logging.DEBUG)
    registered = await user_api.post(
        "/users",
        json={"email": email, "password": PASSWORD, "name": " Ada Lovelace ", "phone": "+447700900123"},
    )
    assert registered.status_code == 201, registered.text
    user = registered.json()
    assert user["email"] == email.lower() and user["name"] == "Ada Lovelace" and user["role"] == "user"
    assert set(user) == {"id", "email", "name", "phone", "role", "created_at"}

    login = await user_api.post("/auth/token", json={"email": email.upper(), "password": PASSWORD})
    assert login.status_code == 200, login.text
    tokens = login.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 900

    header = jwt.get_unverified_header(tokens["access_token"])
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert header["alg"] == "RS256" and header["kid"] in load_public_keys(user_settings.jwt_keys_dir)
    assert (
        claims["iss"] == user_settings.jwt_issuer and claims["sub"] == user["id"] and claims["role"] == "user"
    )
    assert claims["exp"] - claims["iat"] == 900
    assert TokenVerifier.from_settings(user_settings).verify(tokens["access_token"]).user_id == user["id"]

    me = await user_api.get("/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 200 and me.json() == user

    answers = registered.text + login.text + me.text
    assert PASSWORD not in answers and "argon2" not in answers
    assert PASSWORD not in caplog.text  # not even in DEBUG logs (pymongo logs commands there)


async def test_password_is_stored_as_argon2id_and_event_is_recorded(user_api, user_db, account):
    stored = await user_db["users"].find_one({"_id": account["user"]["id"]})
    assert stored["password_hash"].startswith("$argon2id$") and PASSWORD not in str(stored)
    [event] = stored["outbox"]
    assert event["type"] == "user.registered" and stored["outbox_pending"] == [event["event_id"]]
    assert event["data"] == {
        "user_id": account["user"]["id"],
        "email": account["email"].lower(),
        "full_name": "Test User",
        "phone": None,
    }


async def test_duplicate_email_is_a_409_problem_even_in_other_case(user_api, account):
    response = await user_api.post(
        "/users", json={"email": account["email"].swapcase(), "password": PASSWORD, "name": "Again"}
    )
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"


async def test_concurrent_registrations_of_one_email_create_exactly_one_account(user_api, user_db, email):
    bodies = [{"email": email, "password": f"{PASSWORD}-{i}", "name": f"Racer {i}"} for i in range(8)]
    responses = await asyncio.gather(*(user_api.post("/users", json=body) for body in bodies))
    assert sorted(r.status_code for r in responses) == [201] + [409] * 7
    assert await user_db["users"].count_documents({"email": email.lower()}) == 1


async def test_wrong_password_and_unknown_email_get_the_same_answer(user_api, account):
    wrong = await user_api.post(
        "/auth/token", json={"email": account["email"], "password": "not-the-password-1"}
    )
    unknown = await user_api.post("/auth/token", json={"email": "nobody@example.com", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("onlyletterslong", "must mix letters with digits or symbols"),
        ("1234567890123", "must mix letters with digits or symbols"),
        ("xx{local}99", "must not contain the email address"),
    ],
)
async def test_password_policy_is_a_422_naming_the_rule(user_api, email, password, rule):
    local = email.split("@")[0].lower()
    response = await user_api.post(
        "/users", json={"email": email, "password": password.format(local=local), "name": "P"}
    )
    assert response.status_code == 422
    assert f"password {rule}" in response.json()["errors"]
    assert password.format(local=local) not in response.text


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b'{"email": "a@b.cd", "password": ', "truncated JSON"),
        (b'{"email": "\xff\xfe@b.cd"}', "not UTF-8"),
        (
            b'{"email": "a@b.cd", "password": "correct-horse-42", "name": "A", "role": "admin"}',
            "unknown field",
        ),
        (b'["a@b.cd"]', "not an object"),
        (b"", "empty"),
    ],
)
async def test_bad_bodies_are_400_problems(user_api, content, why):
    response = await user_api.post("/users", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, why
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_too_long_password_is_refused_without_echoing_it(user_api, email, caplog):
    secret = "s3cret-" * 30
    response = await user_api.post("/users", json={"email": email, "password": secret, "name": "Long"})
    assert response.status_code == 400
    assert "s3cret" not in response.text and "s3cret" not in caplog.text


async def test_ensure_account_is_idempotent_and_sets_role_and_password(user_api, email):
    first = await accounts.ensure_account(email, PASSWORD, "Seeded Admin", "admin")
    again = await accounts.ensure_account(email, PASSWORD, "Seeded Admin", "admin")
    assert first.id == again.id and again.role == "admin"
    changed = await accounts.ensure_account(email, "another-pass-99", "Seeded Admin", "user")
    assert changed.id == first.id
    stored = await User.get(first.id)
    assert stored.role == "user" and await passwords.verify_password(stored.password_hash, "another-pass-99")
    assert await User.find(User.email == email.lower()).count() == 1


async def test_concurrent_ensure_account_calls_create_one_account(email):
    results = await asyncio.gather(
        *(accounts.ensure_account(email, PASSWORD, "Seed", "user") for _ in range(4))
    )
    assert len({user.id for user in results}) == 1


async def run_admin_cli(settings, *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "handlers.user.create_admin",
        *args,
        env={**os.environ, "USER_MONGO_DB": settings.mongo_db},
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode, output.decode()


async def test_admin_cli_creates_an_admin_that_can_log_in(user_api, user_settings, email):
    code, output = await run_admin_cli(user_settings, "--email", email, "--password", PASSWORD)
    assert code == 0 and "admin account" in output and PASSWORD not in output
    login = await user_api.post("/auth/token", json={"email": email, "password": PASSWORD})
    token = login.json()["access_token"]
    assert jwt.decode(token, options={"verify_signature": False})["role"] == "admin"
    code, output = await run_admin_cli(user_settings, "--email", "weak@example.com", "--password", "short")
    assert code == 1 and "policy" in output


async def test_the_public_api_cannot_create_an_admin(user_api, email):
    response = await user_api.post(
        "/users", json={"email": email, "password": PASSWORD, "name": "Mallory", "role": "admin"}
    )
    assert response.status_code == 400


async def test_admin_from_settings_is_ensured(user_settings, email):
    admin = {"admin_email": email, "admin_password": SecretStr(PASSWORD)}
    configured = user_settings.model_copy(update=admin)
    await accounts.ensure_admin_from_settings(configured)
    await accounts.ensure_admin_from_settings(configured)
    [admin] = await User.find(User.email == email.lower()).to_list()
    assert admin.role == "admin"
