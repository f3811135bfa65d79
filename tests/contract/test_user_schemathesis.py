"""Schemathesis over contracts/openapi/user.yaml against the app in-process: no 5xx, every
response conforms, and the authenticated operation runs with a real token of a real account."""

import uuid
from functools import cache
from pathlib import Path

import pytest
import schemathesis

from handlers.user.app import create_app
from handlers.user.settings import UserSettings

pytestmark = [pytest.mark.contract, pytest.mark.slow]

SPEC = Path(__file__).resolve().parents[2] / "contracts" / "openapi" / "user.yaml"
# 422 is the documented answer to a schema-valid password that breaks the policy (the policy's
# "not containing the email" rule cannot be written as JSON Schema); everything else is default.
schema = schemathesis.openapi.from_path(SPEC)
acceptance = schema.config.checks.positive_data_acceptance
acceptance.expected_statuses = [*acceptance.expected_statuses, "422"]
schema.app = create_app(
    UserSettings(mongo_db="users_contract_test", validate_responses=True, outbox_relay=False)
)


ACCOUNT: dict[str, str] = {}  # the probe account's Authorization header, once registered


@cache
def registered_user() -> dict[str, str]:
    """Register and log in through the app itself; the access token is a real one."""
    credentials = {"email": f"contract.{uuid.uuid4().hex[:10]}@example.com", "password": "correct-horse-42"}
    registered = schema["/users"]["POST"].Case(body={**credentials, "name": "Contract Probe"}).call()
    assert registered.status_code == 201, registered.text
    login = schema["/auth/token"]["POST"].Case(body=credentials).call()
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


@pytest.fixture(scope="module", autouse=True)
def bearer() -> dict[str, str]:
    ACCOUNT.update(registered_user())
    return ACCOUNT


@schema.auth(refresh_interval=None)
class UserBearer:
    """The probe's token on every case, except where Schemathesis removes it on purpose (negative tests).

    Schemathesis builds the contract's explicit examples while pytest collects, before any fixture:
    they go without a token (a documented 401) rather than registering an account at collection.
    """

    def get(self, case, context) -> dict[str, str]:
        return dict(ACCOUNT)

    def set(self, case, data: dict[str, str], context) -> None:
        case.headers = {**(case.headers or {}), **data}


@schema.parametrize()
def test_user_api_conforms_to_its_contract(case):
    case.call_and_validate()


def test_an_account_life_cycle_conforms(bearer):
    """The success paths random data rarely reaches: me, refresh (rotation), revoke, JWKS."""
    me = schema["/users/me"]["GET"].Case().call_and_validate(headers=dict(bearer))
    assert me.status_code == 200
    credentials = {"email": me.json()["email"], "password": "correct-horse-42"}
    login = schema["/auth/token"]["POST"].Case(body=credentials).call_and_validate().json()
    refresh = schema["/auth/refresh"]["POST"]
    rotated = refresh.Case(body={"refresh_token": login["refresh_token"]}).call_and_validate()
    assert rotated.status_code == 200
    revoke = schema["/auth/revoke"]["POST"].Case(body={"refresh_token": rotated.json()["refresh_token"]})
    assert revoke.call_and_validate().status_code == 204
    assert refresh.Case(body={"refresh_token": login["refresh_token"]}).call_and_validate().status_code == 401
    assert schema["/.well-known/jwks.json"]["GET"].Case().call_and_validate().json()["keys"]
