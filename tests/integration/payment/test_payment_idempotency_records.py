"""The idempotency claim itself: released after unexpected failures, kept for answered problems."""

import asyncio
import uuid

import pytest

from handlers.common.problems import Conflict, NotFound, ServiceUnavailable
from handlers.payment import idempotency

pytestmark = pytest.mark.integration


async def run(key: str, operation, wait_seconds: float = 2):
    return await idempotency.run_once("usr_records", "tests", key, {"a": 1}, operation, wait_seconds)


async def test_an_unexpected_failure_releases_the_key(payment_db):
    key, calls = uuid.uuid4().hex, []

    async def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database hiccup")
        return 201, {"ok": True}

    with pytest.raises(RuntimeError):
        await run(key, flaky)
    assert (await run(key, flaky)).body == {"ok": True} and len(calls) == 2


async def test_a_5xx_problem_releases_the_key_and_a_4xx_is_replayed(payment_db):
    unavailable, missing = uuid.uuid4().hex, uuid.uuid4().hex

    async def down():
        raise ServiceUnavailable("later")

    async def absent():
        raise NotFound("no such thing")

    with pytest.raises(ServiceUnavailable):
        await run(unavailable, down)
    assert await payment_db["idempotency_keys"].count_documents({"key": unavailable}) == 0
    first, again = await run(missing, absent), await run(missing, absent)
    assert (first.status, first.replayed, again.status, again.replayed) == (404, False, 404, True)


async def test_a_waiter_gives_up_with_409_while_the_first_is_still_running(payment_db):
    key, release = uuid.uuid4().hex, asyncio.Event()

    async def slow():
        await release.wait()
        return 201, {"done": True}

    first = asyncio.create_task(run(key, slow))
    await asyncio.sleep(0.1)
    with pytest.raises(Conflict, match="still being processed"):
        await run(key, slow, wait_seconds=0.2)
    release.set()
    assert (await first).body == {"done": True}


async def test_a_cancelled_request_still_stores_its_response(payment_db):
    key, release = uuid.uuid4().hex, asyncio.Event()

    async def slow():
        await release.wait()
        return 201, {"done": True}

    first = asyncio.create_task(run(key, slow))
    await asyncio.sleep(0.1)
    first.cancel()
    release.set()
    replay = await run(key, slow)
    assert replay.body == {"done": True} and replay.replayed
