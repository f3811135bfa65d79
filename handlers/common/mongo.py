"""MongoDB (wire protocol) connection and beanie initialisation."""

from beanie import Document, init_beanie
from pymongo import AsyncMongoClient


async def connect_beanie(mongo_url: str, database: str, models: list[type[Document]]) -> AsyncMongoClient:
    """Connect, register ``models`` with beanie (creating their indexes) and return the client."""
    client: AsyncMongoClient = AsyncMongoClient(mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000)
    await init_beanie(database=client[database], document_models=models)
    return client
