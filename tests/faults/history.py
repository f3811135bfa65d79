"""What the clients saw: every call with its time and how it was answered, every booking attempt.

An answer is one of these kinds:

* ``ok``: a definitive answer (a mutation's payload, with its booking or its typed ``error``; a seat map);
* ``in_progress``: the payload's ``IN_PROGRESS`` error, the documented "ask again" of a confirmation
  still running; the client calls again (not a fault);
* ``unavailable``: a 503 carrying ``SERVICE_UNAVAILABLE`` or ``DEADLINE_EXCEEDED`` (GraphQL) or a
  problem+json 503 (REST): the clear, retryable answer of a dependency outage;
* ``gateway``: the gateway's own 502/504 (the upstream service itself is down or timed out);
* ``timeout`` / ``transport``: no answer at all;
* ``unclear``: anything else that is not definitive (a 400 or 500 for an outage, an
  ``INTERNAL_SERVER_ERROR``, a 429): never acceptable, fault or not.

All but ``ok`` and ``in_progress`` are errors; they are allowed only while a fault lasts.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

RETRYABLE = {"unavailable", "gateway", "timeout", "transport"}
ERRORS = RETRYABLE | {"unclear"}


@dataclass(frozen=True)
class Call:
    op: str
    attempt: str | None
    started: float  # seconds since the run started
    ended: float
    kind: str
    status: int | None = None
    code: str | None = None  # the payload's error code, the GraphQL extensions.code, or the exception
    booking_status: str | None = None

    @property
    def error(self) -> bool:
        return self.kind in ERRORS


@dataclass
class Attempt:
    """One booking attempt of one user: its plan and what the client was finally told."""

    key: str
    user: int
    seats: list[str]
    plan: str  # "confirm", "confirm+cancel", "cancel", "abandon"
    card: str
    booking_id: str | None = None
    told: str | None = None  # last definitive answer: a booking status or an error code
    told_status: str | None = None  # the booking status in that answer, when it carried a booking
    unresolved: str | None = None  # the operation that never got a definitive answer
    outcomes: list[str] = field(default_factory=list)  # "op:answer", in order


@dataclass
class History:
    calls: list[Call] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    user_ids: list[str] = field(default_factory=list)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))  # the run clock's zero

    def at(self, seconds: float) -> datetime:
        """The wall-clock time of run second ``seconds``."""
        return self.started_at + timedelta(seconds=seconds)

    def errors(self) -> list[Call]:
        return [call for call in self.calls if call.error]
