"""Render an event into the messages a user receives: always an email, an SMS when they have a phone."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from generated.events import models as ev


@dataclass(frozen=True)
class Recipient:
    user_id: str
    full_name: str | None
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class Message:
    channel: str  # "email" | "sms"
    recipient: str
    subject: str | None
    body: str


def money(amount: int, currency: str) -> str:
    return f"{amount / 100:.2f} {currency}"


def _show(data: Any) -> str:
    title = data.movie_title or f"showtime {data.showtime_id}"
    starts = f" on {data.starts_at:%Y-%m-%d %H:%M} UTC" if isinstance(data.starts_at, datetime) else ""
    return f"{title}{starts}, seats {', '.join(data.seat_ids)}"


def _texts(data: BaseModel) -> tuple[str, str]:
    """(subject, text) of one event's payload."""
    match data:
        case ev.UserRegisteredData():
            return "Welcome to CineMesh", f"Hello {data.full_name}, your CineMesh account is ready."
        case ev.BookingConfirmedData():
            return "Your tickets", (
                f"Booking {data.booking_id} is confirmed: {_show(data)}. "
                f"Paid {money(data.total.amount, data.total.currency)}."
            )
        case ev.BookingCancelledData():
            refund = " Your payment will be refunded." if data.refunded else ""
            return "Booking cancelled", f"Booking {data.booking_id} ({_show(data)}) was cancelled.{refund}"
        case ev.BookingExpiredData():
            refund = " The charge has been refunded." if data.refunded else ""
            return "Seat hold expired", (
                f"Your seats for booking {data.booking_id} ({_show(data)}) were released "
                f"because the hold expired before payment.{refund}"
            )
        case ev.PaymentFailedData():
            return "Payment declined", (
                f"The payment of {money(data.amount, data.currency)} for booking {data.booking_id} "
                f"was declined ({data.reason}). Your seats were released."
            )
        case ev.PaymentRefundedData():
            return "Refund issued", (
                f"We refunded {money(data.amount, data.currency)} for booking {data.booking_id}."
            )
    raise ValueError(f"no template for {type(data).__name__}")


def render(data: BaseModel, recipient: Recipient) -> list[Message]:
    subject, text = _texts(data)
    greeting = f"Hi {recipient.full_name},\n\n" if recipient.full_name else ""
    email_to = recipient.email or f"user:{recipient.user_id}"
    messages = [Message("email", email_to, subject, f"{greeting}{text}\n\n-- CineMesh\n")]
    if recipient.phone:
        messages.append(Message("sms", recipient.phone, None, f"CineMesh: {text}"[:320]))
    return messages
