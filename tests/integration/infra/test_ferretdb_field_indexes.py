"""FerretDB v1 answers the services' equality lookups from an index, so their cost does not grow with
history (scripts/ferretdb/gin_companions.sql). Without the GIN companions every lookup, `_id`'s
included, is a sequential scan of the whole collection: FerretDB's own btree indexes cannot answer
the `@>` it pushes down."""

import uuid

import pytest
from pymongo import AsyncMongoClient

from handlers.common.settings import ServiceSettings
from tests.integration.ferretdb_plans import find_plan

pytestmark = pytest.mark.integration

DOCUMENTS = 3000


@pytest.fixture
async def collection():
    client: AsyncMongoClient = AsyncMongoClient(ServiceSettings().mongo_url)
    database = client[f"field_index_probe_{uuid.uuid4().hex[:8]}"]
    try:
        docs = database["tickets"]
        await docs.create_index("booking_id")
        tickets = [{"_id": f"t{i}", "booking_id": f"b{i}", "pad": "x" * 200} for i in range(DOCUMENTS)]
        await docs.insert_many(tickets)
        yield docs
    finally:
        await client.drop_database(database.name)
        await client.close()


@pytest.mark.parametrize("lookup", [{"_id": "t1234"}, {"booking_id": "b1234"}], ids=["_id", "declared index"])
async def test_an_equality_lookup_is_answered_from_an_index(collection, lookup):
    nodes = await find_plan(collection, lookup)
    assert any("Index" in node for node in nodes), nodes
    assert await collection.find_one(lookup) is not None
