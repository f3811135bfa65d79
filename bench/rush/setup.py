"""What a rush needs before it starts: signed-in users and showtimes with free seats.

Users register and log in straight at the user service (``POST /users``, ``POST /auth/token``), not
through the gateway: those gateway routes are limited to 20/min per address, which is right for
people and would only throttle the setup. The showtimes are scheduled through the cinema admin API
(straight at the cinema service, as the seeded admin ``mesh.seed.DEMO_ADMIN``), in a hall of their
own, so a run never collides with an earlier one's schedule.
"""

import asyncio
import itertools
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from mesh.journey import bearer
from mesh.processes import by_name
from mesh.seed import DEMO_ADMIN

ROWS = [{"label": chr(ord("A") + r), "seat_count": 10} for r in range(8)]  # 80 seats, as in issue 11
PASSWORD = "rush-hour-seat-42"


@dataclass(frozen=True)
class User:
    index: int
    token: str


def _ok(step: str, response: httpx.Response, status: int = 200) -> dict:
    if response.status_code != status:
        raise RuntimeError(f"{step}: HTTP {response.status_code} {response.text[:300]}")
    return response.json()


async def log_in(client: httpx.AsyncClient, email: str, password: str) -> str:
    answer = await client.post("/auth/token", json={"email": email, "password": password})
    return _ok("log in", answer)["access_token"]


async def sign_up(count: int, concurrency: int = 8) -> list[User]:
    """``count`` new users, each logged in once (their token lasts 15 minutes, longer than a bench)."""
    gate = asyncio.Semaphore(concurrency)

    async def one(client: httpx.AsyncClient, index: int) -> User:
        email = f"rush-{uuid.uuid4().hex[:12]}@cinemesh.dev"
        async with gate:
            body = {"email": email, "password": PASSWORD, "name": f"Rush {index}"}
            _ok("register", await client.post("/users", json=body), 201)
            return User(index, await log_in(client, email, PASSWORD))

    async with httpx.AsyncClient(base_url=by_name("user").url, timeout=60) as client:
        return list(await asyncio.gather(*(one(client, i) for i in range(count))))


class SeatSupply:
    """Showtimes of one fresh hall, handed to one user at a time (users of a throughput run never
    race for a seat); a showtime with seats left goes back to the pool for the next taker."""

    def __init__(self, cinema: httpx.AsyncClient, hall_id: int, movie_id: int):
        self._cinema, self._hall_id, self._movie_id = cinema, hall_id, movie_id
        self._slots = itertools.count()
        self._pool: list[int] = []
        self.scheduled = 0

    @classmethod
    async def open(cls, cinema: httpx.AsyncClient) -> "SeatSupply":
        """``cinema``: a client on the cinema service; it gets the admin's bearer here."""
        async with httpx.AsyncClient(base_url=by_name("user").url, timeout=30) as users:
            cinema.headers.update(bearer(await log_in(users, DEMO_ADMIN.email, DEMO_ADMIN.password)))
        name = f"Rush {uuid.uuid4().hex[:8]}"
        place = {"name": name, "city": "Bench", "address": "Bench"}
        cinema_id = _ok("create cinema", await cinema.post("/cinemas", json=place), 201)["id"]
        hall = {"cinema_id": cinema_id, "name": name, "rows": ROWS}
        hall_id = _ok("create hall", await cinema.post("/halls", json=hall), 201)["id"]
        film = {"title": name, "duration_minutes": 90, "rating": "G"}
        movie_id = _ok("create movie", await cinema.post("/movies", json=film), 201)["id"]
        return cls(cinema, hall_id, movie_id)

    async def schedule(self) -> int:
        starts = datetime(2080, 1, 1, tzinfo=UTC) + timedelta(hours=3 * next(self._slots))
        body = {
            "movie_id": self._movie_id,
            "hall_id": self._hall_id,
            "starts_at": starts.isoformat(),
            "base_price_minor": 1000,
            "currency": "EUR",
        }
        self.scheduled += 1
        return _ok("schedule a showtime", await self._cinema.post("/showtimes", json=body), 201)["id"]

    async def fill(self, count: int) -> None:
        missing = max(0, count - len(self._pool))
        self._pool += await asyncio.gather(*(self.schedule() for _ in range(missing)))

    async def take(self) -> int:
        return self._pool.pop() if self._pool else await self.schedule()

    def give_back(self, showtime_id: int) -> None:
        self._pool.append(showtime_id)
