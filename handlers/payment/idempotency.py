"""Stripe-like idempotency keys: one execution per (user, scope, key), replayed to retries.

The first request claims the key by inserting a record (unique index on user, scope, key);
a concurrent request with the same key fails that insert and waits until the first stores
its response, then gets the same response. A different body under the same key is a 422.
A request that fails unexpectedly (500, 503) gives its claim up, so a retry runs again.

A claim still "in progress" after ``lease_seconds`` was abandoned (its process died mid-request):
the next request with that key takes it over and runs again. The operation is handed the key's
``resource_id``, the same for every run under one key, and names what it creates after it, so a
run that takes over finds what the dead one already stored instead of creating it twice.
"""

import asyncio
import hashlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError

from handlers.common.problems import Conflict, ProblemError, Unprocessable
from handlers.payment.models import IdempotencyRecord


class KeyReused(Unprocessable):
    """The key was used with another request body; the first request's outcome stands."""

    slug = "idempotency-key-reused"


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


def resource_id(user_id: str, scope: str, key: str) -> str:
    """The id of what the one execution under this key creates: the same on every run."""
    return hashlib.sha256(f"{user_id}\x00{scope}\x00{key}".encode()).hexdigest()[:32]


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
    operation: Callable[[str], Awaitable[Response]],
    wait_seconds: float,
    lease_seconds: float,
) -> Result:
    """Run ``operation(resource_id)`` once for this key and body; every caller gets its response."""
    digest = fingerprint(body)
    lease = timedelta(seconds=lease_seconds)
    deadline = time.monotonic() + wait_seconds
    while True:
        claim = IdempotencyRecord(user_id=user_id, scope=scope, key=key, fingerprint=digest)
        try:
            await claim.insert()
        except DuplicateKeyError:
            stored = await _stored_result(user_id, scope, key, digest, deadline, lease)
            if stored is not None:
                return stored
            continue  # the first request gave its claim up: claim the key again
        # Shielded: a cancelled request (client gone) still finishes and stores its response.
        run = _execute(claim, lambda: operation(resource_id(user_id, scope, key)))
        return await asyncio.shield(run)


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


async def _stored_result(
    user_id: str, scope: str, key: str, digest: str, deadline: float, lease: timedelta
) -> Result | None:
    """The finished response for this key (waiting for it), or None when the claim was given up."""
    while True:
        record = await IdempotencyRecord.find_one({"user_id": user_id, "scope": scope, "key": key})
        if record is None:
            return None
        if record.fingerprint != digest:
            raise KeyReused("This Idempotency-Key was already used with a different request.")
        if record.state == "completed" and record.status_code is not None and record.response is not None:
            return Result(record.status_code, record.response, replayed=True)
        if record.created_at + lease < datetime.now(UTC):  # its process died: free the key
            await IdempotencyRecord.get_pymongo_collection().delete_one(
                {"_id": record.id, "state": "in_progress"}
            )
            return None
        if time.monotonic() >= deadline:
            raise Conflict("A request with this Idempotency-Key is still being processed; retry later.")
        await asyncio.sleep(POLL_SECONDS)
