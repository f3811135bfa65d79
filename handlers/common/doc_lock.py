"""A short per-document mutex for read-modify-write updates on FerretDB.

FerretDB v1 applies an update by reading the document, changing it in Go and writing the
whole document back, with no lock in between: two concurrent updates of one document
(say the outbox relay's ``$pull`` and a service's state change) can silently lose one of
them, and a filter such as ``{"status": "PENDING"}`` is no compare-and-set. Its one atomic
primitive is an insert against a unique index, so this lock is an insert of
``{_id: "<collection>:<document id>"}`` into ``document_locks`` (same database), deleted on
exit. A holder that died leaves a lock that expires after ``ttl`` seconds.

    async with document_lock(Booking, booking.id):
        ...  # read, decide, write
"""

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from beanie import Document
from pymongo.errors import DuplicateKeyError

LOCKS = "document_locks"


class LockTimeout(Exception):
    """Another holder kept the document locked for longer than ``wait`` seconds."""


@contextlib.asynccontextmanager
async def document_lock(
    model: type[Document], document_id: Any, ttl: float = 10.0, wait: float = 10.0
) -> AsyncIterator[None]:
    collection = model.get_pymongo_collection()
    locks = collection.database[LOCKS]
    key, owner = f"{collection.name}:{document_id}", uuid.uuid4().hex
    deadline = asyncio.get_running_loop().time() + wait
    while True:
        now = datetime.now(UTC)
        try:
            await locks.insert_one({"_id": key, "owner": owner, "until": now + timedelta(seconds=ttl)})
            break
        except DuplicateKeyError:
            held = await locks.find_one({"_id": key})
            if held is not None and held["until"] < now:  # its holder died: take over
                await locks.delete_one({"_id": key, "owner": held["owner"]})
                continue
        if asyncio.get_running_loop().time() > deadline:
            raise LockTimeout(key)
        await asyncio.sleep(0.005)
    try:
        yield
    finally:
        await locks.delete_one({"_id": key, "owner": owner})
