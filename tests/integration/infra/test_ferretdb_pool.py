"""FerretDB v1 runs an update (``update``, ``findAndModify``, ``delete``) as a query that keeps a
PostgreSQL connection of its pool while it takes a second one to write. When every connection is held
by such a query, every update waits for a connection forever: the 200-user rush (``make bench``) left
FerretDB's default pool of 50 held this way for 20 minutes. The mesh keeps each process below
``CINEMESH_MONGO_POOL_SIZE`` operations at once and runs FerretDB with a pool above all of them
(``scripts/infra.sh``); these tests hold the running FerretDB to that, and drive every service's
worst case at it."""

import asyncio
import os
import re
from pathlib import Path

import pytest

from handlers.common.mongo import mongo_client
from handlers.common.settings import REPO_ROOT, ServiceSettings
from mesh.processes import SERVICES

pytestmark = pytest.mark.integration

FERRETDB_DEFAULT_POOL = 50  # FerretDB v1.24 internal/backends/postgresql/metadata/pool/uri.go
settings = ServiceSettings()


def running_ferretdb_pool() -> int:
    """``pool_max_conns`` of the FerretDB ``scripts/infra.sh`` started (its command line)."""
    pid_file = Path(os.environ.get("CINEMESH_STATE_DIR", REPO_ROOT / ".run")) / "ferretdb.pid"
    try:
        command = Path(f"/proc/{pid_file.read_text().strip()}/cmdline").read_bytes().decode()
    except (FileNotFoundError, ValueError):
        pytest.skip("FerretDB was not started by scripts/infra.sh (CINEMESH_INFRA_SKIP?)")
    found = re.search(r"pool_max_conns=(\d+)", command)
    return int(found.group(1)) if found else FERRETDB_DEFAULT_POOL


def test_every_service_at_once_stays_below_ferretdbs_pool():
    at_once = len(SERVICES) * settings.mongo_pool_size
    pool = running_ferretdb_pool()
    assert at_once < pool, (
        f"{len(SERVICES)} services x CINEMESH_MONGO_POOL_SIZE {settings.mongo_pool_size} operations can hold "
        f"FerretDB's whole pool of {pool} (restart FerretDB with scripts/infra.sh after changing either)"
    )


async def test_every_service_updating_at_its_limit_finishes():
    """Each service's client saturated with updates of distinct documents, all at once, three rounds."""
    clients = [mongo_client(settings) for _ in SERVICES]
    collection_name = "pool_probe"
    updates_per_client = 3 * settings.mongo_pool_size

    async def saturate(index: int) -> None:
        collection = clients[index]["infra_test"][collection_name]
        for round_ in range(3):
            await asyncio.gather(
                *(
                    collection.find_one_and_update(
                        {"_id": f"{index}-{n}"}, {"$set": {"round": round_}}, upsert=True
                    )
                    for n in range(updates_per_client)
                )
            )

    try:
        async with asyncio.timeout(90):
            await asyncio.gather(*(saturate(i) for i in range(len(clients))))
    finally:
        for client in clients:  # closing their connections is what frees a deadlocked FerretDB
            await client.close()
    checker = mongo_client(settings)
    try:
        stored = await checker["infra_test"][collection_name].count_documents({"round": 2})
        assert stored == len(clients) * updates_per_client
    finally:
        await checker["infra_test"].drop_collection(collection_name)
        await checker.close()
