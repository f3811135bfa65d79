"""The workload: many users racing for a few seats of one showtime through the gateway.

Each user, with its own seeded random generator, repeatedly: reads the seat map, picks one or two
of the raced seats (among those shown available, else any), ``createBooking`` with a fresh
idempotency key, then follows the attempt's plan: confirm with a card that succeeds, is declined
(``decline_share``) or times out at the processor (``timeout_share``), and read the booking's
payments (payment's REST API); cancel the confirmed booking
afterwards (``cancel_share``); cancel the PENDING booking instead of paying (``cancel_pending_share``);
or walk away and let the hold lapse (``abandon_share``). Every mutation is retried until it gets a
definitive answer (``client.UserClient.mutate``): a lost or failed ``confirmBooking`` is asked
again with the same booking, a ``createBooking`` with the same key.

At most ``concurrency`` attempts run at once (the machine has two cores); users take turns.
A run stops when every user made ``attempts_per_user`` attempts, or when ``stop`` is set.
"""

import asyncio
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from tests.faults.client import UserClient
from tests.faults.history import Attempt, History

SUCCEEDING = ("tok_visa_success", "tok_mastercard_success")
DECLINED = ("tok_card_declined", "tok_insufficient_funds", "tok_expired_card")
TIMING_OUT = "tok_timeout"


@dataclass(frozen=True)
class Workload:
    users: int
    attempts_per_user: int | None  # None: until stopped
    seed: int
    concurrency: int = 12
    decline_share: float = 0.3
    timeout_share: float = 0.05
    cancel_share: float = 0.15
    cancel_pending_share: float = 0.05
    abandon_share: float = 0.1
    think_seconds: tuple[float, float] = (0.0, 0.3)
    confirm_delay: tuple[float, float] = (0.0, 0.0)  # between createBooking and confirmBooking

    def describe(self) -> str:
        per_user = self.attempts_per_user or "until stopped"
        return (
            f"{self.users} users x {per_user} attempts, seed {self.seed}, {self.concurrency} at once; "
            f"cards: {self.decline_share:.0%} declined, {self.timeout_share:.0%} processor timeout; "
            f"{self.cancel_share:.0%} of confirmed cancelled, {self.cancel_pending_share:.0%} cancelled "
            f"unpaid, {self.abandon_share:.0%} abandoned"
        )


@dataclass
class Stage:
    showtime_id: str
    seats: list[str]  # the raced seats


class Driver:
    def __init__(self, workload: Workload, stage: Stage, gateway_url: str, run: str):
        self.workload, self.stage, self.run = workload, stage, run
        self.history = History()
        self._started = time.monotonic()
        self.users = [UserClient(i, gateway_url, self.history, self.clock) for i in range(workload.users)]

    def clock(self) -> float:
        return time.monotonic() - self._started

    async def sign_up(self) -> None:
        gate = asyncio.Semaphore(self.workload.concurrency)

        async def one(user: UserClient) -> None:
            async with gate:
                await user.sign_up(self.run)

        await asyncio.gather(*(one(user) for user in self.users))
        self.history.user_ids = [user.user_id for user in self.users]

    async def close(self) -> None:
        await asyncio.gather(*(user.close() for user in self.users))

    def start_clock(self) -> None:
        """Run second 0: the workload starts now."""
        self._started = time.monotonic()
        self.history.started_at = datetime.now(UTC)

    async def run_users(self, stop: asyncio.Event) -> None:
        gate = asyncio.Semaphore(self.workload.concurrency)
        await asyncio.gather(*(self._user_loop(user, gate, stop) for user in self.users))

    async def _user_loop(self, user: UserClient, gate: asyncio.Semaphore, stop: asyncio.Event) -> None:
        rng = random.Random(f"{self.workload.seed}:{user.index}")
        quota = self.workload.attempts_per_user
        number = 0
        while not stop.is_set() and (quota is None or number < quota):
            async with gate:
                await self._attempt(user, rng, number)
            number += 1
            await asyncio.sleep(rng.uniform(*self.workload.think_seconds))

    def _plan(self, rng: random.Random) -> tuple[str, str]:
        w = self.workload
        roll = rng.random()
        if roll < w.abandon_share:
            return "abandon", ""
        if roll < w.abandon_share + w.cancel_pending_share:
            return "cancel", ""
        card = rng.random()
        if card < w.decline_share:
            return "confirm", rng.choice(DECLINED)
        if card < w.decline_share + w.timeout_share:
            return "confirm", TIMING_OUT
        return ("confirm+cancel" if rng.random() < w.cancel_share else "confirm"), rng.choice(SUCCEEDING)

    async def _pick(self, user: UserClient, rng: random.Random) -> list[str]:
        count = rng.choice((1, 1, 2))
        seat_map = await user.seat_map(self.stage.showtime_id)
        raced = set(self.stage.seats)
        free = [
            seat["seat_id"]
            for seat in (seat_map.payload or {}).get("seats", [])
            if seat["seat_id"] in raced and seat["state"] == "available"
        ]
        pool = free if len(free) >= count else self.stage.seats
        return sorted(rng.sample(pool, count))

    async def _attempt(self, user: UserClient, rng: random.Random, number: int) -> None:
        seats = await self._pick(user, rng)
        plan, card = self._plan(rng)
        attempt = Attempt(f"{self.run}-{user.index}-{number}", user.index, seats, plan, card)
        self.history.attempts.append(attempt)
        variables = {"showtimeId": self.stage.showtime_id, "seatIds": seats, "idempotencyKey": attempt.key}
        if not await self._step(user, attempt, "createBooking", variables):
            return
        if attempt.told_status != "PENDING" or plan == "abandon":
            return
        if plan == "cancel":
            await self._step(user, attempt, "cancelBooking", {"id": attempt.booking_id})
            return
        await asyncio.sleep(rng.uniform(*self.workload.confirm_delay))
        confirm = {"bookingId": attempt.booking_id, "paymentToken": card}
        if not await self._step(user, attempt, "confirmBooking", confirm):
            return
        await user.payments(attempt.booking_id)
        if plan == "confirm+cancel" and attempt.told_status == "CONFIRMED":
            await self._step(user, attempt, "cancelBooking", {"id": attempt.booking_id})

    async def _step(self, user: UserClient, attempt: Attempt, op: str, variables: dict) -> bool:
        """One mutation until definitive; records what the client was told. False: no definitive answer."""
        answer = await user.mutate(op, attempt.key, variables)
        if answer.kind != "ok":
            attempt.unresolved = op
            attempt.outcomes.append(f"{op}:{answer.kind}")
            return False
        booking = answer.booking
        if booking is not None:
            attempt.booking_id = booking["id"]
        attempt.told_status = booking["status"] if booking else None
        attempt.told = answer.code or attempt.told_status
        attempt.outcomes.append(f"{op}:{attempt.told}")
        return True
