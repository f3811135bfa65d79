"""FastStream subscribers: one durable queue per event type, each a thin call into the worker.

Retries are bounded with exponential backoff; after the last attempt the message is
rejected and RabbitMQ dead-letters it to ``cinemesh.events.dlq``. A store that cannot serve
(``handlers.common.mongo.unavailable``) is not the message's fault: it is requeued after a pause,
however long the outage lasts, and never dead-lettered. A message that does not
parse as its event schema fails before the handler and is rejected at once, so a poison
message never blocks its queue. A duplicate delivery racing the first one is requeued.
"""

import asyncio
import logging
from dataclasses import dataclass
from typing import Annotated

from faststream import Context
from faststream.exceptions import NackMessage, RejectMessage
from faststream.middlewares import AckPolicy
from faststream.rabbit import RabbitBroker

from generated.events import models as ev
from handlers.common.events import EVENTS_EXCHANGE, NOTIFICATION_QUEUES
from handlers.common.mongo import unavailable
from handlers.notification.dedupe import EventInFlight
from handlers.notification.service import NotificationService, NotifiedEvent

logger = logging.getLogger(__name__)
WORKER = "notification_worker"


@dataclass
class Worker:
    service: NotificationService
    max_attempts: int = 3
    backoff_seconds: float = 0.2
    outage_pause_seconds: float = 1.0

    async def deliver(self, event: NotifiedEvent) -> None:
        for attempt in range(1, self.max_attempts + 1):
            try:
                await self.service.handle(str(event.event_id), event.type, event.data)
                return
            except EventInFlight:
                await asyncio.sleep(self.backoff_seconds)
                raise NackMessage(requeue=True) from None
            except Exception as exc:
                if unavailable(exc):
                    logger.warning("event %s waits for the store (%s); requeued", event.event_id, exc)
                    await asyncio.sleep(self.outage_pause_seconds)
                    raise NackMessage(requeue=True) from None
                if attempt == self.max_attempts:
                    logger.exception("event %s failed %d times; dead-lettering", event.event_id, attempt)
                    raise RejectMessage() from None
                logger.warning("event %s failed (attempt %d); retrying", event.event_id, attempt)
                await asyncio.sleep(self.backoff_seconds * 2 ** (attempt - 1))


InjectedWorker = Annotated[Worker, Context(WORKER)]


def register_subscribers(broker: RabbitBroker) -> None:
    def subscriber(event_type: str):
        return broker.subscriber(
            NOTIFICATION_QUEUES[event_type],
            EVENTS_EXCHANGE,
            title=f"notification.{event_type}",
            ack_policy=AckPolicy.REJECT_ON_ERROR,
        )

    @subscriber("user.registered")
    async def on_user_registered(event: ev.UserRegisteredEvent, worker: InjectedWorker) -> None:
        await worker.deliver(event)

    @subscriber("booking.confirmed")
    async def on_booking_confirmed(event: ev.BookingConfirmedEvent, worker: InjectedWorker) -> None:
        await worker.deliver(event)

    @subscriber("booking.cancelled")
    async def on_booking_cancelled(event: ev.BookingCancelledEvent, worker: InjectedWorker) -> None:
        await worker.deliver(event)

    @subscriber("booking.expired")
    async def on_booking_expired(event: ev.BookingExpiredEvent, worker: InjectedWorker) -> None:
        await worker.deliver(event)

    @subscriber("payment.failed")
    async def on_payment_failed(event: ev.PaymentFailedEvent, worker: InjectedWorker) -> None:
        await worker.deliver(event)

    @subscriber("payment.refunded")
    async def on_payment_refunded(event: ev.PaymentRefundedEvent, worker: InjectedWorker) -> None:
        await worker.deliver(event)
