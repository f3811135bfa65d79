"""The outbox's work queue: one small ``outbox_queue`` collection per database, what the relay scans.

The events themselves stay embedded in their aggregate document, written with its state change
(the source of truth, ``handlers.common.outbox``). A row here only says "this document has work":

- ``publish``: the document has pending events. Written right after the document (the insert hook
  of ``OutboxMixin``; a guarded write of ``handlers.common.documents``, under the document's lock)
  and deleted by the guarded write that leaves nothing pending, under that same lock, so a row is
  never deleted while an event it should announce is pending.
- ``prune``: the document has published events to drop once ``retention`` has passed.

A process that dies between its document write and its row leaves an event without a row: the
relay's slow rebuild (``outbox_waiting``, a top-level flag FerretDB filters in PostgreSQL) finds it.
A row write that fails after its document's write (the database went away in between) asks this
process's relays for that rebuild on their next pass (``announce``), so its events wait seconds,
not until the hourly rebuild.

Why a collection of its own: FerretDB v1.24 on PostgreSQL uses no index for any filter (an
equality becomes ``_jsonb->'f' @> v``, which its btree expression indexes cannot serve; a range or
a dotted path is filtered in Go after decoding every document). A scan of this collection costs
what is pending, not what was ever stored; on MongoDB the ``due`` index serves it.

The relay claims a row with a lease (a guarded write on the row: several relays never work on one
document at once), counts failed attempts with backoff and gives up after ``max_attempts``
(``failed``: the row stays, counted by ``failed_count`` for health). ``poke`` wakes the relays of
this process right after a write recorded an event.
"""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from handlers.common.doc_lock import collection_lock

QUEUE = "outbox_queue"
Kind = Literal["publish", "prune"]


class Signal:
    """One call (``fire``) that sets the event each relay of this process subscribed."""

    def __init__(self) -> None:
        self._events: set[asyncio.Event] = set()

    def subscribe(self) -> asyncio.Event:
        event = asyncio.Event()
        self._events.add(event)
        return event

    def unsubscribe(self, event: asyncio.Event) -> None:
        self._events.discard(event)

    def fire(self) -> None:
        for event in self._events:
            event.set()


WAKE_UP = Signal()  # a write recorded an event: pass now (``poke``)
REBUILD = Signal()  # a write raised, its events may be stored without a row (``request_rebuild``)


def queue_of(collection: AsyncCollection) -> AsyncCollection:
    return collection.database[QUEUE]


def row_id(kind: Kind, collection: AsyncCollection, document_id: Any) -> str:
    return f"{kind}:{collection.name}:{document_id}"


def poke() -> None:
    WAKE_UP.fire()


def request_rebuild() -> None:
    REBUILD.fire()
    poke()


async def ensure_index(queue: AsyncCollection) -> None:
    if "due" not in await queue.index_information():
        await queue.create_index([("due", ASCENDING)], name="due")


async def enqueue(
    collection: AsyncCollection, document_id: Any, kind: Kind = "publish", due: datetime | None = None
) -> None:
    """A row for the document unless one of this kind is already there (it will do)."""
    row = {
        "_id": row_id(kind, collection, document_id),
        "kind": kind,
        "collection": collection.name,
        "document_id": document_id,
        "due": due or datetime.now(UTC),
        "attempts": 0,
        "failed": False,
        "error": None,
        "lease_owner": None,
        "lease_until": None,
    }
    try:
        await queue_of(collection).insert_one(row)
    except DuplicateKeyError:
        pass
    if kind == "publish":
        poke()


async def announce(collection: AsyncCollection, document_id: Any) -> None:
    """The publish row of a document just written with pending events; should it fail, a rebuild soon."""
    try:
        await enqueue(collection, document_id)
    except Exception:
        request_rebuild()
        raise


async def sync(collection: AsyncCollection, raw: dict[str, Any]) -> None:
    """After a guarded write, under the document's lock: a row while events are pending, none after."""
    if raw.get("outbox_pending"):
        await announce(collection, raw["_id"])
    else:
        await queue_of(collection).delete_one({"_id": row_id("publish", collection, raw["_id"])})


async def due_rows(queue: AsyncCollection, batch: int) -> list[dict[str, Any]]:
    query = {"due": {"$lte": datetime.now(UTC)}}
    return await queue.find(query).sort("due", ASCENDING).limit(batch).to_list()


async def claim(queue: AsyncCollection, row: dict[str, Any], owner: str, lease: float) -> bool:
    """Take the row's lease unless another relay holds it (or it failed, or is gone)."""
    now = datetime.now(UTC)
    async with collection_lock(queue, row["_id"]):
        current = await queue.find_one({"_id": row["_id"]})
        if current is None or current["failed"] or (current["lease_until"] or now) > now:
            return False
        until = now + timedelta(seconds=lease)
        await queue.update_one({"_id": row["_id"]}, {"$set": {"lease_owner": owner, "lease_until": until}})
    return True


async def release(queue: AsyncCollection, row_id_: str, owner: str, due: datetime) -> None:
    """Give the lease back, the row next due at ``due`` (a row another write deleted stays deleted)."""
    async with collection_lock(queue, row_id_):
        await queue.update_one(
            {"_id": row_id_, "lease_owner": owner},
            {"$set": {"lease_owner": None, "lease_until": None, "due": due}},
        )


async def retry_later(
    queue: AsyncCollection, row_id_: str, owner: str, error: str, max_attempts: int, max_backoff: float
) -> bool:
    """Count a failed attempt: due again after a backoff, or ``failed`` after ``max_attempts``.
    Returns whether the row failed for good."""
    async with collection_lock(queue, row_id_):
        current = await queue.find_one({"_id": row_id_, "lease_owner": owner})
        if current is None:
            return False
        attempts = current["attempts"] + 1
        failed = attempts >= max_attempts
        due = None if failed else datetime.now(UTC) + timedelta(seconds=min(2.0**attempts, max_backoff))
        update = {"attempts": attempts, "failed": failed, "error": error, "due": due}
        await queue.update_one(
            {"_id": row_id_}, {"$set": {**update, "lease_owner": None, "lease_until": None}}
        )
    return failed


async def drop(queue: AsyncCollection, row_id_: str, owner: str) -> None:
    async with collection_lock(queue, row_id_):
        await queue.delete_one({"_id": row_id_, "lease_owner": owner})


async def failed_count(queue: AsyncCollection) -> int:
    return await queue.count_documents({"failed": True})


async def backlog(queue: AsyncCollection) -> dict[str, float]:
    """Rows with events to publish (``waiting``), how long the longest-due one has been due, ``failed``."""
    waiting = {"kind": "publish", "failed": False}
    oldest = await queue.find(waiting).sort("due", ASCENDING).limit(1).to_list()
    age = (datetime.now(UTC) - oldest[0]["due"].replace(tzinfo=UTC)).total_seconds() if oldest else 0.0
    return {
        "waiting": await queue.count_documents(waiting),
        "oldest_age_seconds": max(0.0, age),
        "failed": await failed_count(queue),
    }
