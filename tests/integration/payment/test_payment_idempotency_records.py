"""The idempotency claim itself: released after unexpected failures, kept for answered problems."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from handlers.common.problems import Conflict, NotFound, ServiceUnavailable
from handlers.payment import idempotency
from handlers.payment.models import IdempotencyRecord

pytestmark = pytest.mark.integration
USER, SCOPE = "usr_records", "tests"


async def run(key: str, operation, wait_seconds: float = 2, lease_seconds: float = 60):
    return await idempotency.run_once(
        USER, SCOPE, key, {"a": 1}, lambda _resource_id: operation(), wait_seconds, lease_seconds
    )


async def abandon(key: str, age: timedelta) -> None:
    """The claim a process leaves when it dies mid-request, ``age`` ago."""
    await IdempotencyRecord(
        user_id=USER,
        scope=SCOPE,
        key=key,
        fingerprint=idempotency.fingerprint({"a": 1}),
        created_at=datetime.now(UTC) - age,
    ).insert()


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


async def test_a_claim_abandoned_past_its_lease_is_taken_over(payment_db):
    key, calls = uuid.uuid4().hex, []

    async def operation():
        calls.append(1)
        return 201, {"done": True}

    await abandon(key, timedelta(seconds=61))
    taken_over = await run(key, operation)
    assert (taken_over.body, taken_over.replayed, len(calls)) == ({"done": True}, False, 1)
    assert (await run(key, operation)).replayed and len(calls) == 1
    assert await payment_db["idempotency_keys"].count_documents({"key": key}) == 1


async def test_a_claim_within_its_lease_is_waited_for_not_taken_over(payment_db):
    key = uuid.uuid4().hex
    await abandon(key, timedelta(seconds=30))

    async def must_not_run():
        pytest.fail("a claim within its lease belongs to a live request")

    with pytest.raises(Conflict, match="still being processed"):
        await run(key, must_not_run, wait_seconds=0.2)


async def test_every_run_under_one_key_gets_the_same_resource_id(payment_db):
    key, seen = uuid.uuid4().hex, []

    async def remember(resource_id):
        seen.append(resource_id)
        return 201, {}

    await abandon(key, timedelta(minutes=5))
    await idempotency.run_once(USER, SCOPE, key, {"a": 1}, remember, 2, 60)
    assert seen == [idempotency.resource_id(USER, SCOPE, key)]
    assert idempotency.resource_id(USER, SCOPE, key) != idempotency.resource_id("usr_other", SCOPE, key)
