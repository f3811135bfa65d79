"""Everything stored about one run, read straight from the suite's PostgreSQL and FerretDB.

Scoped to the run's showtime (its seats and bookings), those bookings' payments and refunds, the
run's users, and the notifications of all of them. Raw documents (no beanie): the reader depends on
no service's code and sees exactly what is stored, outbox included.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg
from pymongo import AsyncMongoClient

Doc = dict[str, Any]


@dataclass
class Snapshot:
    now: datetime  # PostgreSQL's clock when the seats were read
    seats: list[Doc]  # showtime_seats rows of the showtime
    bookings: list[Doc]
    payments: list[Doc]
    refunds: list[Doc]
    users: list[Doc]
    notifications: list[Doc] = field(default_factory=list)

    def outbox_documents(self) -> list[Doc]:
        return [*self.bookings, *self.payments, *self.refunds, *self.users]

    def events(self) -> dict[str, tuple[str, Doc]]:
        """Every event the run's documents recorded: event id -> (type, data)."""
        return {
            event["event_id"]: (event["type"], event.get("data") or {})
            for document in self.outbox_documents()
            for event in document.get("outbox") or []
        }

    def pending_events(self) -> list[str]:
        return [
            event_id
            for document in self.outbox_documents()
            for event_id in document.get("outbox_pending") or []
        ]


async def read(postgres_dsn: str, mongo_url: str, showtime_id: str, user_ids: list[str]) -> Snapshot:
    connection = await asyncpg.connect(postgres_dsn, timeout=10)
    try:
        rows = await connection.fetch(
            "SELECT seat_id, state, hold_id, held_until, booking_id FROM showtime_seats"
            " WHERE showtime_id = $1 ORDER BY seat_id",
            int(showtime_id),
        )
        now = await connection.fetchval("SELECT clock_timestamp()")
    finally:
        await connection.close()
    mongo: AsyncMongoClient = AsyncMongoClient(mongo_url, tz_aware=True, serverSelectionTimeoutMS=10000)
    try:
        bookings = await mongo.bookings.bookings.find({"showtime_id": showtime_id}).to_list()
        booking_ids = [booking["_id"] for booking in bookings]
        payments = await mongo.payments.payments.find({"booking_id": {"$in": booking_ids}}).to_list()
        payment_ids = [payment["_id"] for payment in payments]
        refunds = await mongo.payments.refunds.find({"payment_id": {"$in": payment_ids}}).to_list()
        users = await mongo.users.users.find({"_id": {"$in": user_ids}}).to_list()
        snapshot = Snapshot(now, [dict(row) for row in rows], bookings, payments, refunds, users)
        event_ids = list(snapshot.events())
        snapshot.notifications = await mongo.notifications.notifications.find(
            {"$or": [{"event_id": {"$in": event_ids}}, {"user_id": {"$in": user_ids}}]}
        ).to_list()
    finally:
        await mongo.close()
    return snapshot
