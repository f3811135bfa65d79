"""MongoDB (wire protocol) connection, beanie initialisation and the health ping.

Indexes are created one at a time and only when missing: FerretDB v1.24 panics and drops
the connection when one ``createIndexes`` re-creates two or more existing indexes, which
is what ``init_beanie`` sends on every start after the first.
"""

from beanie import Document, init_beanie
from beanie.odm.settings.document import IndexModelField
from beanie.odm.utils.pydantic import get_model_fields
from beanie.odm.utils.typing import get_index_attributes
from pymongo import AsyncMongoClient, IndexModel
from pymongo.errors import PyMongoError, WriteError

from handlers.common.doc_lock import LockTimeout
from handlers.common.observability import readiness
from handlers.common.problems import ServiceUnavailable
from handlers.common.settings import ServiceSettings


def declared_indexes(model: type[Document]) -> list[IndexModel]:
    """The indexes beanie would create for ``model``: ``Indexed`` fields plus ``Settings.indexes``."""
    indexed_fields = [
        IndexModelField(IndexModel([(field.alias or name, attributes[0])], **attributes[1]))
        for name, field in get_model_fields(model).items()
        if (attributes := get_index_attributes(field)) is not None
    ]
    merged = IndexModelField.merge_indexes(indexed_fields, model.get_settings().indexes or [])
    return IndexModelField.list_to_index_model(merged)


async def ensure_indexes(model: type[Document]) -> None:
    collection = model.get_pymongo_collection()
    existing = set(await collection.index_information())
    for index in declared_indexes(model):
        if index.document["name"] not in existing:
            await collection.create_indexes([index])


def mongo_client(settings: ServiceSettings) -> AsyncMongoClient:
    """A service's client: at most ``settings.mongo_pool_size`` operations at once."""
    return AsyncMongoClient(
        settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000, maxPoolSize=settings.mongo_pool_size
    )


async def connect_beanie(
    settings: ServiceSettings, database: str, models: list[type[Document]]
) -> AsyncMongoClient:
    """Connect, register ``models`` with beanie, create their missing indexes and return the client."""
    client = mongo_client(settings)
    await init_beanie(database=client[database], document_models=models, skip_indexes=True)
    for model in models:
        await ensure_indexes(model)

    async def answers() -> None:
        await client[database].command("ping")

    readiness.register("database", answers)
    return client


async def ping(model: type[Document]) -> None:
    """A 503 problem (``ServiceUnavailable``) when the database of ``model`` does not answer."""
    try:
        await model.get_pymongo_collection().database.command("ping")
    except PyMongoError as exc:
        raise ServiceUnavailable("MongoDB does not answer.") from exc


def unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` says the database cannot serve now, so the request may be retried: unreachable,
    timed out, its backend failing (FerretDB answers InternalError while its PostgreSQL is down), a
    document lock not granted in time. A refused write (a duplicate key) is the code's to handle."""
    return isinstance(error, PyMongoError | LockTimeout) and not isinstance(error, WriteError)
