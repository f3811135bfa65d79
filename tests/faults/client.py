"""One user's calls through the gateway, each classified (``history``) and retried until definitive.

A user has its own HTTP client, bearer token and loopback source address (127.77.x.y), as people
have their own: the gateway's per-address limits count each user apart. GraphQL operations are
the documents the mesh's own typed client sends (``generated/graphql_client``), posted raw so that
the HTTP status of every answer is seen. A call that gets no definitive answer is retried: a
mutation with the same arguments (the same idempotency key, the same booking), after the
``Retry-After`` the answer asked for (at most 5 s), for up to ``RETRY_BUDGET`` seconds.
"""

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx

from generated.graphql_client import CANCEL_BOOKING_GQL, CONFIRM_BOOKING_GQL, CREATE_BOOKING_GQL
from tests.faults.history import Call, History

RETRY_BUDGET = 90.0
REQUEST_TIMEOUT = 30.0
CLEAR_OUTAGE = {"SERVICE_UNAVAILABLE", "DEADLINE_EXCEEDED"}
DOCUMENTS = {
    "createBooking": CREATE_BOOKING_GQL,
    "confirmBooking": CONFIRM_BOOKING_GQL,
    "cancelBooking": CANCEL_BOOKING_GQL,
}


@dataclass
class Answer:
    kind: str
    status: int | None = None
    code: str | None = None
    payload: dict[str, Any] | None = None
    retry_after: float = 1.0

    @property
    def booking(self) -> dict[str, Any] | None:
        return (self.payload or {}).get("booking")


def user_address(index: int) -> str:
    return f"127.77.{index // 250}.{index % 250 + 1}"


def classify_graphql(op: str, response: httpx.Response) -> Answer:
    retry_after = float(response.headers.get("Retry-After", "1") or 1)
    try:
        body = response.json()
    except ValueError:
        body = {}
    payload = ((body.get("data") or {}) if isinstance(body, dict) else {}).get(op)
    errors = body.get("errors") or [] if isinstance(body, dict) else []
    codes = [(error.get("extensions") or {}).get("code") for error in errors]
    code = next((c for c in codes if c), None)
    if response.status_code == 200 and payload is not None and not errors:
        error_code = (payload.get("error") or {}).get("code")
        kind = "in_progress" if error_code == "IN_PROGRESS" else "ok"
        return Answer(kind, 200, error_code, payload)
    if response.status_code == 503 and code in CLEAR_OUTAGE:
        return Answer("unavailable", 503, code, retry_after=retry_after)
    if response.status_code in (502, 504) and not errors:
        return Answer("gateway", response.status_code, None)
    return Answer("unclear", response.status_code, code or response.text[:120], retry_after=retry_after)


def classify_rest(response: httpx.Response) -> Answer:
    if response.status_code == 200:
        return Answer("ok", 200, payload=response.json())
    problem = response.headers.get("content-type", "").startswith("application/problem+json")
    retry_after = float(response.headers.get("Retry-After", "1") or 1)
    if response.status_code == 503 and problem:
        return Answer("unavailable", 503, retry_after=retry_after)
    if response.status_code in (502, 504) and not problem:
        return Answer("gateway", response.status_code)
    return Answer("unclear", response.status_code, response.text[:120])


class UserClient:
    def __init__(self, index: int, gateway_url: str, history: History, clock):
        self.index = index
        self.history = history
        self._clock = clock  # seconds since the run started
        transport = httpx.AsyncHTTPTransport(local_address=user_address(index))
        self.http = httpx.AsyncClient(base_url=gateway_url, transport=transport, timeout=REQUEST_TIMEOUT)
        self.user_id = ""

    async def close(self) -> None:
        await self.http.aclose()

    async def sign_up(self, run: str) -> None:
        email = f"faults-{run}-{self.index}@cinemesh.dev"
        body = {"email": email, "password": "fault-tolerant-42", "name": f"Fault User {self.index}"}
        created = await self.http.post("/users", json=body)
        created.raise_for_status()
        self.user_id = created.json()["id"]
        tokens = await self.http.post("/auth/token", json={"email": email, "password": body["password"]})
        tokens.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {tokens.json()['access_token']}"

    async def _send(self, op: str, attempt: str | None, request) -> Answer:
        started = self._clock()
        try:
            answer = await request()
        except httpx.TimeoutException as exc:
            answer = Answer("timeout", code=type(exc).__name__)
        except httpx.TransportError as exc:
            answer = Answer("transport", code=type(exc).__name__)
        status = (answer.booking or {}).get("status")
        self.history.calls.append(
            Call(op, attempt, started, self._clock(), answer.kind, answer.status, answer.code, status)
        )
        return answer

    async def seat_map(self, showtime_id: str) -> Answer:
        async def request() -> Answer:
            return classify_rest(await self.http.get(f"/showtimes/{showtime_id}/seats"))

        return await self._send("seatMap", None, request)

    async def payments(self, booking_id: str) -> Answer:
        """The user's own payments of a booking (payment's REST API, through the gateway)."""

        async def request() -> Answer:
            return classify_rest(await self.http.get("/payments", params={"booking_id": booking_id}))

        return await self._send("payments", None, request)

    async def mutate(self, op: str, attempt: str, variables: dict[str, Any]) -> Answer:
        """``op`` until a definitive answer (``ok``) or the retry budget is spent (the last answer)."""

        async def request() -> Answer:
            body = {"query": DOCUMENTS[op], "operationName": op[0].upper() + op[1:], "variables": variables}
            return classify_graphql(op, await self.http.post("/graphql", json=body))

        deadline = time.monotonic() + RETRY_BUDGET
        while True:
            answer = await self._send(op, attempt, request)
            if answer.kind == "ok" or time.monotonic() > deadline:
                return answer
            await asyncio.sleep(min(answer.retry_after, 5.0) if answer.kind == "unavailable" else 1.0)
