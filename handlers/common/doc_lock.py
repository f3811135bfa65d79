"""A short per-document mutex for read-modify-write updates on FerretDB (the primitive under
``handlers.common.documents``' guarded writes: services call those, never this directly).

FerretDB v1 applies an update by reading the document, changing it in Go and writing the
whole document back, with no lock in between: two concurrent updates of one document
(say the outbox relay's ``$pull`` and a service's state change) can silently lose one of
them, and a filter such as ``{"status": "PENDING"}`` is no compare-and-set. Its one atomic
primitive is an insert against a unique index, so this lock is an insert of
``{_id: "<collection>:<document id>"}`` into ``document_locks`` (same database), deleted on
exit. A holder that died leaves a lock that expires after ``ttl`` seconds. Waiters of one
process queue on an ``asyncio.Lock`` per document first, so only one of them at a time polls the
database (with a growing, jittered pause), not fifty.

    async with collection_lock(collection, document_id):
        ...  # read, decide, write
"""

import asyncio
import contextlib
import random
import uuid
import weakref
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from beanie import Document
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

LOCKS = "document_locks"
_waiting: "weakref.WeakValueDictionary[str, asyncio.Lock]" = weakref.WeakValueDictionary()


class LockTimeout(Exception):
    """Another holder kept the document locked for longer than ``wait`` seconds."""


def document_lock(
    model: type[Document], document_id: Any, ttl: float = 10.0, wait: float = 10.0
) -> contextlib.AbstractAsyncContextManager[None]:
    return collection_lock(model.get_pymongo_collection(), document_id, ttl, wait)


@contextlib.asynccontextmanager
async def collection_lock(
    collection: AsyncCollection, document_id: Any, ttl: float = 10.0, wait: float = 10.0
) -> AsyncIterator[None]:
    key = f"{collection.name}:{document_id}"
    local = _waiting.setdefault(f"{collection.database.name}.{key}", asyncio.Lock())
    try:
        await asyncio.wait_for(local.acquire(), wait)
    except TimeoutError:
        raise LockTimeout(key) from None
    try:
        async with _held(collection.database[LOCKS], key, ttl, wait):
            yield
    finally:
        local.release()


@contextlib.asynccontextmanager
async def _held(locks: AsyncCollection, key: str, ttl: float, wait: float) -> AsyncIterator[None]:
    owner, pause = uuid.uuid4().hex, 0.002
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
        await asyncio.sleep(pause * random.uniform(0.5, 1.5))
        pause = min(pause * 2, 0.05)
    try:
        yield
    finally:
        await locks.delete_one({"_id": key, "owner": owner})
