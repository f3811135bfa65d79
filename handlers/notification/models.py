"""What the worker stores: the notification log (one row per event and channel) and user contacts."""

from datetime import UTC, datetime

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel


class Notification(Document):
    event_id: str
    event_type: str
    channel: str
    user_id: str
    recipient: str
    subject: str | None = None
    body: str
    sent_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    class Settings:
        name = "notifications"
        # One index per collection (FerretDB v1.24 and beanie's index re-creation at start-up).
        indexes = [
            IndexModel([("event_id", ASCENDING), ("channel", ASCENDING)], unique=True, name="event_channel"),
        ]


class Contact(Document):
    """Where to reach a user, projected from ``user.registered`` events."""

    user_id: str
    email: str
    full_name: str
    phone: str | None = None

    class Settings:
        name = "contacts"
        indexes = [IndexModel([("user_id", ASCENDING)], unique=True, name="user_id")]


DOCUMENTS = [Notification, Contact]
