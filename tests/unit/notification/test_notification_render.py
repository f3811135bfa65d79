"""Rendering events into emails and SMS."""

import pytest

from generated.events import models as ev
from handlers.notification.render import Recipient, money, render

pytestmark = pytest.mark.unit

BOOKING = {
    "booking_id": "b-1",
    "user_id": "u-1",
    "showtime_id": "7",
    "seat_ids": ["A-1", "A-2"],
    "total": {"amount": 2450, "currency": "EUR"},
    "movie_title": "Seat A-7",
    "starts_at": "2026-12-01T19:30:00Z",
}
ADA = Recipient("u-1", "Ada", "ada@example.com", "+4917012345")


def test_money_is_minor_units():
    assert money(2450, "EUR") == "24.50 EUR"
    assert money(5, "USD") == "0.05 USD"


def test_confirmed_booking_email_and_sms():
    email, sms = render(ev.BookingConfirmedData(**BOOKING, payment_id="pay_1"), ADA)
    assert (email.channel, email.recipient, email.subject) == ("email", "ada@example.com", "Your tickets")
    assert (
        "Hi Ada" in email.body
        and "Seat A-7 on 2026-12-01 19:30 UTC" in email.body
        and "24.50 EUR" in email.body
    )
    assert (sms.channel, sms.recipient, sms.subject) == ("sms", "+4917012345", None)
    assert len(sms.body) <= 320


def test_no_phone_means_email_only_and_unknown_contact_is_logged_by_user_id():
    messages = render(ev.BookingExpiredData(**BOOKING, refunded=True), Recipient("u-1", None, None, None))
    assert [(m.channel, m.recipient) for m in messages] == [("email", "user:u-1")]
    assert "refunded" in messages[0].body


@pytest.mark.parametrize(
    ("data", "subject"),
    [
        (ev.UserRegisteredData(user_id="u-1", email="a@b.c", full_name="Ada"), "Welcome to CineMesh"),
        (ev.BookingCancelledData(**BOOKING, refunded=False), "Booking cancelled"),
        (
            ev.PaymentFailedData(
                payment_id="p", booking_id="b", user_id="u", amount=1, currency="EUR", reason="card_declined"
            ),
            "Payment declined",
        ),
        (
            ev.PaymentRefundedData(
                payment_id="p", refund_id="r", booking_id="b", user_id="u", amount=1, currency="EUR"
            ),
            "Refund issued",
        ),
    ],
)
def test_every_consumed_event_has_a_template(data, subject):
    assert render(data, ADA)[0].subject == subject


def test_an_event_without_template_is_refused():
    with pytest.raises(ValueError, match="no template"):
        render(ev.Money(amount=1, currency="EUR"), ADA)
