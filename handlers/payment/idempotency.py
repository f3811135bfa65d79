"""Stripe-like idempotency keys: one execution per (user, scope, key), replayed to retries.

The first request claims the key by inserting a record (unique index on user, scope, key);
a concurrent request with the same key fails that insert and waits until the first stores
its response, then gets the same response. A different body under the same key is a 422.
A request that fails unexpectedly (500, 503) gives its claim up, so a retry runs again.
"""

import asyncio
import hashlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pymongo.errors import DuplicateKeyError

from handlers.common.problems import Conflict, ProblemError, Unprocessable
from handlers.payment.models import IdempotencyRecord

Response = tuple[int, dict[str, Any]]
POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Result:
    status: int
    body: dict[str, Any]
    replayed: bool


def fingerprint(body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def problem_body(exc: ProblemError) -> dict[str, Any]:
    return {
        "type": exc.type,
        "title": exc.title,
        "status": exc.status,
        "detail": exc.detail,
        **exc.extensions,
    }


async def run_once(
    user_id: str,
    scope: str,
    key: str,
    body: Any,
    operation: Callable[[], Awaitable[Response]],
    wait_seconds: float,
) -> Result:
    """Run ``operation`` at most once for this key and body; every caller gets its response."""
    digest = fingerprint(body)
    deadline = time.monotonic() + wait_seconds
    while True:
        claim = IdempotencyRecord(user_id=user_id, scope=scope, key=key, fingerprint=digest)
        try:
            await claim.insert()
        except DuplicateKeyError:
            stored = await _stored_result(user_id, scope, key, digest, deadline)
            if stored is not None:
                return stored
            continue  # the first request gave its claim up: claim the key again
        # Shielded: a cancelled request (client gone) still finishes and stores its response.
        return await asyncio.shield(_execute(claim, operation))


async def _execute(claim: IdempotencyRecord, operation: Callable[[], Awaitable[Response]]) -> Result:
    try:
        status, response = await operation()
    except ProblemError as exc:
        if exc.status >= 500:
            await claim.delete()
            raise
        status, response = exc.status, problem_body(exc)
    except Exception:
        await claim.delete()
        raise
    await claim.set(
        {
            IdempotencyRecord.state: "completed",
            IdempotencyRecord.status_code: status,
            IdempotencyRecord.response: response,
        }
    )
    return Result(status, response, replayed=False)


async def _stored_result(user_id: str, scope: str, key: str, digest: str, deadline: float) -> Result | None:
    """The finished response for this key (waiting for it), or None when the claim was given up."""
    while True:
        record = await IdempotencyRecord.find_one({"user_id": user_id, "scope": scope, "key": key})
        if record is None:
            return None
        if record.fingerprint != digest:
            raise Unprocessable("This Idempotency-Key was already used with a different request.")
        if record.state == "completed" and record.status_code is not None and record.response is not None:
            return Result(record.status_code, record.response, replayed=True)
        if time.monotonic() >= deadline:
            raise Conflict("A request with this Idempotency-Key is still being processed; retry later.")
        await asyncio.sleep(POLL_SECONDS)
