"""Schemathesis over the whole cinema OpenAPI contract, in-process against the seeded ``cinema_contract_test``
(its own database, so the fuzzer's writes never touch the integration tests' data).

Admin operations are called with a freshly minted admin token (Schemathesis itself also checks
that they refuse requests without it). No response may be a 5xx, and every response must conform
to the contract (status code, content type, schema). 422 is a documented domain refusal (unknown
referenced ids, impossible layouts), so it counts as an acceptable answer to schema-valid data.
"""

import asyncio
from functools import cache
from pathlib import Path

import pytest
import schemathesis
from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from handlers.cinema.app import create_app
from handlers.cinema.db import ensure_database
from handlers.cinema.migrate import migrate
from handlers.cinema.seed import seed_demo
from handlers.cinema.settings import CinemaSettings
from handlers.common.signing import sign_token

pytestmark = pytest.mark.contract

SPEC = Path(__file__).resolve().parents[2] / "contracts" / "openapi" / "cinema.yaml"
SETTINGS = CinemaSettings(
    postgres_url=make_url(CinemaSettings().postgres_url)
    .set(database="cinema_contract_test")
    .render_as_string(False),
    environment="test",
    validate_responses=True,
)


@cache
def admin_token() -> str:
    return sign_token(SETTINGS, "contract-admin", "admin", 3600)


schema = schemathesis.openapi.from_path(SPEC)
# Every request runs in its own event loop (Schemathesis' ASGI client), so connections are not pooled.
schema.app = create_app(SETTINGS, create_async_engine(SETTINGS.postgres_url, poolclass=NullPool))
acceptance = schema.config.checks.positive_data_acceptance
acceptance.expected_statuses = [*acceptance.expected_statuses, "422"]


@pytest.fixture(scope="module", autouse=True)
def seeded_database() -> None:
    async def prepare() -> None:
        await ensure_database(SETTINGS)
        await migrate(SETTINGS)
        await seed_demo(SETTINGS)

    asyncio.run(prepare())


@schema.auth()
class AdminBearer:
    """The admin token on every case, except where Schemathesis removes it on purpose (negative tests)."""

    def get(self, case, context) -> str:
        return admin_token()

    def set(self, case, data: str, context) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.parametrize()
def test_cinema_api_conforms_to_its_contract(case):
    case.call_and_validate()
