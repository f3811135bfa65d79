"""A service's MongoDB database, emptied for one test module."""

from collections.abc import AsyncIterator, Awaitable, Callable

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase


async def emptied_database(
    connect: Callable[[], Awaitable[AsyncMongoClient]], name: str
) -> AsyncIterator[AsyncDatabase]:
    """Drop ``name``, then connect through the service's own ``connect`` (beanie and its indexes)."""
    stale = await connect()
    await stale.drop_database(name)
    await stale.close()
    client = await connect()  # again: dropping the database dropped the indexes the first one made
    try:
        yield client[name]
    finally:
        await client.close()
