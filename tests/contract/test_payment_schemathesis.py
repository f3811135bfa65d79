"""Schemathesis over contracts/openapi/payment.yaml against the app in-process: no 5xx, every
response conforms. Charges and refunds run with the booking service's own token (the only caller
the contract accepts there), reads with a user's token; both real RS256 tokens from the dev keys."""

import uuid
from pathlib import Path

import pytest
import schemathesis

from handlers.common.signing import sign_service_token, sign_token
from handlers.payment.app import create_app
from handlers.payment.settings import PaymentSettings

pytestmark = [pytest.mark.contract, pytest.mark.slow]

SPEC = Path(__file__).resolve().parents[2] / "contracts" / "openapi" / "payment.yaml"
SETTINGS = PaymentSettings(
    mongo_db="payments_contract_test",
    validate_responses=True,
    outbox_relay=False,
    processor_timeout_seconds=0.2,
)
# 422 answers schema-valid requests that break rules JSON Schema cannot state: a token the
# processor does not know, a refund above what is left (both documented in the contract).
schema = schemathesis.openapi.from_path(SPEC)
acceptance = schema.config.checks.positive_data_acceptance
acceptance.expected_statuses = [*acceptance.expected_statuses, "422"]
schema.app = create_app(SETTINGS)


def bearer(user_id: str, role: str = "user") -> dict[str, str]:
    return {"Authorization": "Bearer " + sign_token(SETTINGS, user_id, role, 3600)}


FUZZER_ID = f"usr_contract_{uuid.uuid4().hex[:8]}"
FUZZER = bearer(FUZZER_ID)
BOOKING = {"Authorization": "Bearer " + sign_service_token(SETTINGS, "booking", "payment", 3600)}


@schema.auth()
class CallerBearer:
    """The booking service's token on POST (charges, refunds) and one user's on GET, except where
    Schemathesis removes it on purpose (negative tests)."""

    def get(self, case, context) -> dict[str, str]:
        return BOOKING if case.operation.method.upper() == "POST" else FUZZER

    def set(self, case, data: dict[str, str], context) -> None:
        case.headers = {**(case.headers or {}), **data}


@schema.parametrize()
def test_payment_api_conforms_to_its_contract(case):
    case.call_and_validate()


def test_a_payment_life_cycle_conforms():
    """The success paths random data rarely reaches: charge, replay, read, list, refund."""
    booking = f"bkg_{uuid.uuid4().hex[:8]}"
    body = {
        "amount": 2400,
        "currency": "EUR",
        "payment_token": "tok_visa_success",
        "booking_id": booking,
        "user_id": FUZZER_ID,
    }
    key = {"Idempotency-Key": uuid.uuid4().hex}
    create = schema["/payments"]["POST"]
    payment = create.Case(body=body, headers=key).call_and_validate(headers=dict(BOOKING)).json()
    replay = create.Case(body=body, headers=key).call_and_validate(headers=dict(BOOKING))
    assert replay.json() == payment and replay.headers["idempotent-replayed"] == ["true"]
    path = {"payment_id": payment["id"]}
    refund = schema["/payments/{payment_id}/refunds"]["POST"].Case(
        path_parameters=path, body={"amount": 400, "reason": "contract"}, headers={"Idempotency-Key": "r1"}
    )
    assert refund.call_and_validate(headers=dict(BOOKING)).status_code == 201
    shown = (
        schema["/payments/{payment_id}"]["GET"]
        .Case(path_parameters=path)
        .call_and_validate(headers=dict(FUZZER))
    )
    assert shown.json()["refunded_amount"] == 400
    listed = (
        schema["/payments"]["GET"].Case(query={"booking_id": booking}).call_and_validate(headers=dict(FUZZER))
    )
    assert [p["id"] for p in listed.json()["items"]] == [payment["id"]]
    other = (
        schema["/payments/{payment_id}"]["GET"].Case(path_parameters=path).call(headers=bearer("usr_other"))
    )
    assert other.status_code == 404
    users_charge = create.Case(body=body, headers={"Idempotency-Key": uuid.uuid4().hex}).call(headers=FUZZER)
    assert users_charge.status_code == 403  # a user's genuine token cannot charge
