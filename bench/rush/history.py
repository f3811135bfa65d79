"""History for the flat-cost run: the bench's MongoDB stores grown to ``bookings`` finished bookings,
with their payments and notifications in proportion, by copying what the rush itself stored.

Every copy is a document a service wrote (so no shape is restated here) under a new ``_id``, with the
values of its unique indexes made unique again. Copied are the documents with nothing left to do:
no pending outbox event and no booking in flight (``PENDING``, ``CONFIRMING``, ``CANCELLING``), so
the history adds rows to every collection and indexes, and no work. Work queues (the outbox queue,
document locks) are not history and are not copied. After the load, ``VACUUM (ANALYZE)`` of FerretDB's
PostgreSQL database: what autovacuum does minutes after a bulk load, and what an operator runs at
once, so that the next figures measure the store grown and not its loading.
"""

import itertools
import math
import time
from typing import Any

import asyncpg
from bson import ObjectId
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

from bench._mesh import FERRETDB_STORE, MONGO_DBS
from generated.graphql_client import BookingStatus
from handlers.common.doc_lock import LOCKS
from handlers.common.outbox_queue import QUEUE
from handlers.common.settings import ServiceSettings

HISTORY_OF = ("booking", "payment", "notification")
IN_FLIGHT = [BookingStatus.PENDING.value, BookingStatus.CONFIRMING.value, BookingStatus.CANCELLING.value]
FINISHED = {"outbox_pending.0": {"$exists": False}, "status": {"$nin": IN_FLIGHT}}
BATCH = 1000


async def unique_fields(collection: AsyncCollection) -> list[str]:
    indexes = await collection.index_information()
    unique = {field for index in indexes.values() if index.get("unique") for field, _ in index["key"]}
    return sorted(unique | {"_id"})


def copy(document: dict[str, Any], fields: list[str], serial: int) -> dict[str, Any]:
    clone = dict(document)
    for field in fields:
        value = clone.get(field)
        if isinstance(value, ObjectId):
            clone[field] = ObjectId()
        elif isinstance(value, str):
            clone[field] = f"{value}~h{serial}"
        elif value is not None:
            raise ValueError(f"cannot make {field}={value!r} unique again")
    return clone


async def grow(collection: AsyncCollection, factor: int) -> int:
    """Insert ``factor`` copies of each finished document; returns how many were inserted."""
    originals = await collection.find(FINISHED).to_list()
    fields = await unique_fields(collection)
    serials = itertools.count()
    copies = (copy(doc, fields, next(serials)) for _ in range(factor) for doc in originals)
    inserted = 0
    while batch := list(itertools.islice(copies, BATCH)):
        await collection.insert_many(batch, ordered=False)
        inserted += len(batch)
    return inserted


async def seed(bookings: int) -> dict[str, int]:
    """Grow the bench stores to at least ``bookings`` finished bookings; documents added per
    collection, printed with the time it took."""
    client: AsyncMongoClient = AsyncMongoClient(ServiceSettings().mongo_url)
    started, added = time.perf_counter(), {}
    try:
        databases = [client[MONGO_DBS[service]] for service in HISTORY_OF]
        finished = await databases[0]["bookings"].count_documents(FINISHED)
        factor = max(0, math.ceil(bookings / max(finished, 1)) - 1)
        for database in databases:
            for name in sorted(await database.list_collection_names()):
                if name not in (QUEUE, LOCKS):
                    added[f"{database.name}.{name}"] = await grow(database[name], factor)
    finally:
        await client.close()
    total = sum(added.values())
    print(f"history: {total} documents added in {time.perf_counter() - started:.0f} s: {added}", flush=True)
    print(f"history: VACUUM (ANALYZE) of FerretDB's store in {await vacuum():.0f} s", flush=True)
    return added


async def vacuum() -> float:
    started = time.perf_counter()
    connection = await asyncpg.connect(FERRETDB_STORE)
    try:
        await connection.execute("VACUUM (ANALYZE)")
    finally:
        await connection.close()
    return time.perf_counter() - started
