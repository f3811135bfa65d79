"""Handle one event: claim it, find the recipient, render and deliver, then mark it done."""

import logging
from typing import Protocol
from uuid import UUID

from generated.events import models as ev
from handlers.notification.channels import SimulatedChannels
from handlers.notification.dedupe import EventDedupe
from handlers.notification.models import Contact
from handlers.notification.render import Recipient, render

logger = logging.getLogger(__name__)

# The payloads of the events the worker subscribes to (subscribers.py); each names its user.
Payload = (
    ev.UserRegisteredData
    | ev.BookingConfirmedData
    | ev.BookingCancelledData
    | ev.BookingExpiredData
    | ev.PaymentFailedData
    | ev.PaymentRefundedData
)


class NotifiedEvent(Protocol):
    """The generated envelope of one of those events."""

    @property
    def event_id(self) -> UUID: ...
    @property
    def type(self) -> str: ...
    @property
    def data(self) -> Payload: ...


class NotificationService:
    def __init__(self, dedupe: EventDedupe, channels: SimulatedChannels):
        self._dedupe = dedupe
        self._channels = channels

    async def handle(self, event_id: str, event_type: str, data: Payload) -> bool:
        """Deliver the event's notifications once; False when the event was already handled."""
        if not await self._dedupe.claim(event_id):
            logger.info("event %s already handled", event_id)
            return False
        try:
            recipient = await self._recipient(data)
            for message in render(data, recipient):
                await self._channels.send(event_id, event_type, recipient.user_id, message)
        except BaseException:
            await self._dedupe.release(event_id)
            raise
        await self._dedupe.done(event_id)
        return True

    async def _recipient(self, data: Payload) -> Recipient:
        if isinstance(data, ev.UserRegisteredData):
            contact = {"email": data.email, "full_name": data.full_name, "phone": data.phone}
            await Contact.get_pymongo_collection().update_one(
                {"user_id": data.user_id}, {"$set": contact}, upsert=True
            )
            return Recipient(data.user_id, data.full_name, data.email, data.phone)
        user_id = data.user_id
        found = await Contact.find_one(Contact.user_id == user_id)
        if found is None:
            logger.warning("no contact for user %s; email goes to the log only", user_id)
            return Recipient(user_id, None, None, None)
        return Recipient(user_id, found.full_name, found.email, found.phone)
