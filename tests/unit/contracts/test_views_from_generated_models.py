"""The payment and user views are built from the generated models, reading every property from storage.

No field is copied by hand: a property of the generated model is read from the document of the
same name, so a property added to the contract and to the document is shown without editing the
view (test_rest_models_stored checks that the document has it).
"""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from pydantic import create_model

from generated.openapi.payment import Payment as PaymentView
from generated.openapi.user import User as UserView
from handlers.payment.models import Payment, Refund
from handlers.payment.views import payment_view
from handlers.user.api import users

pytestmark = pytest.mark.unit
AT = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


def refund(sequence: int, amount: int, status: str = "succeeded") -> Refund:
    return Refund.model_construct(
        id=f"re_{sequence}",
        payment_id="pay_1",
        sequence=sequence,
        amount=amount,
        currency="EUR",
        reason=None,
        status=status,
        created_at=AT,
    )


def test_a_payment_shows_every_stored_property_and_its_succeeded_refunds():
    payment = Payment.model_construct(
        id="pay_1",
        booking_id="b-1",
        user_id="u-1",
        amount=2500,
        currency="EUR",
        status="succeeded",
        failure_reason=None,
        processor_reference="ref",
        created_at=AT,
    )
    view = payment_view(payment, [refund(2, 500), refund(3, 700, "pending"), refund(1, 1000)])
    assert set(view) == set(PaymentView.model_fields)
    stored = payment.model_dump(mode="json", include=set(PaymentView.model_fields))
    assert {name: view[name] for name in stored} == stored
    assert view["refunded_amount"] == 1500
    assert [(r["id"], r["amount"], r["status"]) for r in view["refunds"]] == [
        ("re_1", 1000, "succeeded"),
        ("re_2", 500, "succeeded"),
    ]


def test_a_property_added_to_the_user_model_flows_through_the_view(monkeypatch):
    monkeypatch.setattr(
        users, "UserView", create_model("User", __base__=UserView, language=(str | None, None))
    )
    account = SimpleNamespace(
        id="usr_1",
        email="ada@example.com",
        name="Ada",
        phone=None,
        role="user",
        created_at=AT,
        password_hash="never shown",
        language="en",
    )
    assert users.view(account) == {  # type: ignore[arg-type]
        "id": "usr_1",
        "email": "ada@example.com",
        "name": "Ada",
        "phone": None,
        "role": "user",
        "created_at": "2026-12-01T18:00:00Z",
        "language": "en",
    }
