"""User service against real FerretDB: its own database ``users_test``, the app in-process."""

import uuid

import httpx
import pytest

from handlers.user.app import connect, create_app
from handlers.user.settings import UserSettings
from tests.integration.mongo_databases import emptied_database

PASSWORD = "correct-horse-42"


@pytest.fixture(scope="module")
def user_settings() -> UserSettings:
    return UserSettings(mongo_db="users_test", validate_responses=True, outbox_relay=False)


@pytest.fixture(scope="module")
async def user_db(user_settings):
    async for database in emptied_database(lambda: connect(user_settings), user_settings.mongo_db):
        yield database


@pytest.fixture(scope="module")
async def user_api(user_settings, user_db):
    transport = httpx.ASGITransport(app=create_app(user_settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://user.test") as client:
        yield client


@pytest.fixture
def email() -> str:
    return f"Test.{uuid.uuid4().hex[:12]}@Example.COM"


@pytest.fixture
async def account(user_api, email) -> dict:
    """A registered account: its email, password, user and a log-in token response."""
    response = await user_api.post("/users", json={"email": email, "password": PASSWORD, "name": "Test User"})
    assert response.status_code == 201, response.text
    login = await user_api.post("/auth/token", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return {"email": email, "password": PASSWORD, "user": response.json(), "tokens": login.json()}
