"""Seat inventory throughput and contention (PostgreSQL database ``cinema_bench``, never the dev one).

1. HoldSeats + ConfirmSeats per second over gRPC (in-process grpclib server, 2 distinct seats each).
2. The same SQL transactions (handlers.cinema.seat_sql) driven straight with asyncpg: the baseline.
3. Contention: 500 clients race for 10 seats (one random seat each) over gRPC; winners, p50/p99.

The per-call access log lines are switched off: thousands of them would bury the figures.
"""

import asyncio
import logging
import random
import socket
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
from sqlalchemy import make_url
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.cinema import movies, showtimes, venues
from handlers.cinema import seat_sql as sql
from handlers.cinema.db import ensure_database, make_engine
from handlers.cinema.grpc_server import start_server
from handlers.cinema.inventory_client import InventoryClient, SeatsUnavailableError
from handlers.cinema.migrate import migrate
from handlers.cinema.settings import CinemaSettings
from handlers.common.service_token import ServiceToken

OPERATIONS = 1500  # hold + confirm pairs per throughput run
CONCURRENCY = 32
TABLES = "holds, showtime_seats, showtimes, movies, hall_seats, halls, cinemas"
ROWS = [{"label": chr(ord("A") + r), "seat_count": 20} for r in range(25)]  # 500 seats per showtime


async def fresh_showtimes(engine, count: int) -> list[int]:
    async with AsyncSession(engine, expire_on_commit=False) as session:
        cinema = await venues.create_cinema(session, {"name": "Bench", "city": "Bench", "address": "Bench"})
        hall = await venues.create_hall(
            session, {"cinema_id": cinema.id, "name": f"Bench {uuid.uuid4()}", "rows": ROWS}
        )
        movie = await movies.create_movie(session, {"title": "Bench", "duration_minutes": 90, "rating": "G"})
        ids = []
        for day in range(count):
            starts_at = datetime(2040, 1, 1, tzinfo=UTC) + timedelta(days=day)
            fields = {
                "movie_id": movie.id,
                "hall_id": hall.id,
                "starts_at": starts_at.isoformat(),
                "base_price_minor": 1000,
                "currency": "EUR",
            }
            ids.append((await showtimes.create_showtime(session, fields))["id"])
        return ids


async def seat_pairs(engine, operations: int) -> list[tuple[int, list[str]]]:
    seats = [f"{row['label']}-{n}" for row in ROWS for n in range(1, 21)]
    pairs = [seats[i : i + 2] for i in range(0, len(seats), 2)]
    showtime_ids = await fresh_showtimes(engine, -(-operations // len(pairs)))
    return [(showtime, pair) for showtime in showtime_ids for pair in pairs][:operations]


async def drive(work: list, step) -> float:
    queue = asyncio.Queue()
    for item in work:
        queue.put_nowait(item)

    async def worker():
        while not queue.empty():
            await step(*queue.get_nowait())

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return len(work) / (time.perf_counter() - started)


async def grpc_pair(client: InventoryClient, showtime: int, seats: list[str]) -> None:
    hold_id = str(uuid.uuid4())
    await client.hold_seats(showtime, seats, hold_id)
    await client.confirm_seats(hold_id, f"booking-{hold_id}")


async def asyncpg_pair(pool: asyncpg.Pool, showtime: int, seats: list[str]) -> None:
    hold_id = str(uuid.uuid4())
    async with pool.acquire() as conn, conn.transaction():
        base_price, _currency, _started, held_until, taken = await conn.fetchrow(
            sql.INSERT_HOLD, hold_id, showtime, seats, 600
        )
        locked = await conn.fetch(sql.LOCK_SEATS, showtime, seats)
        await conn.fetchrow(sql.CLOCK, showtime)
        if taken or any(row["state"] != "AVAILABLE" for row in locked):
            raise RuntimeError("bench seats must be free")
        await conn.fetchrow(sql.TAKE_SEATS, showtime, seats, hold_id, held_until, base_price * len(seats))
    async with pool.acquire() as conn, conn.transaction():
        hold = await conn.fetchrow(sql.LOCK_HOLD, hold_id)
        await conn.fetch(sql.LOCK_SEATS, showtime, list(hold["seat_ids"]))
        await conn.fetchrow(sql.CLOCK, showtime)
        await conn.fetchrow(sql.SELL_SEATS, showtime, list(hold["seat_ids"]), f"booking-{hold_id}", hold_id)


async def contention(clients: list[InventoryClient], showtime: int) -> tuple[int, float, float]:
    rng = random.Random(500)
    seats = [f"A-{n}" for n in range(1, 11)]

    async def race(index: int) -> tuple[bool, float]:
        started = time.perf_counter()
        try:
            await clients[index % len(clients)].hold_seats(showtime, [rng.choice(seats)], str(uuid.uuid4()))
            won = True
        except SeatsUnavailableError:
            won = False
        return won, time.perf_counter() - started

    results = await asyncio.gather(*(race(i) for i in range(500)))
    latencies = sorted(latency * 1000 for _, latency in results)
    return (
        sum(won for won, _ in results),
        statistics.median(latencies),
        latencies[int(len(latencies) * 0.99) - 1],
    )


async def main() -> None:
    logging.getLogger("cinemesh.access").setLevel(logging.WARNING)
    url = make_url(CinemaSettings().postgres_url).set(database="cinema_bench")
    settings = CinemaSettings(postgres_url=url.render_as_string(hide_password=False), db_pool_size=20)
    await ensure_database(settings)
    await migrate(settings)
    engine = make_engine(settings)
    async with engine.begin() as conn:
        await conn.exec_driver_sql(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = await start_server(engine, settings, sock=sock)
    token = ServiceToken(settings, "booking", audience="cinema")  # the benchmark plays the booking service
    port = sock.getsockname()[1]
    clients = [InventoryClient("127.0.0.1", port, timeout_seconds=60, token=token) for _ in range(10)]
    pool = await asyncpg.create_pool(
        url.set(drivername="postgresql").render_as_string(False), min_size=20, max_size=20
    )
    try:
        grpc_work = await seat_pairs(engine, OPERATIONS)
        grpc_rate = await drive(grpc_work, lambda s, p: grpc_pair(random.choice(clients), s, p))
        sql_rate = await drive(await seat_pairs(engine, OPERATIONS), lambda s, p: asyncpg_pair(pool, s, p))
        shape = f"({OPERATIONS} pairs, {CONCURRENCY} at once)"
        print(f"HoldSeats+ConfirmSeats over gRPC : {grpc_rate:8.1f} pairs/s {shape}")
        print(f"same SQL straight over asyncpg   : {sql_rate:8.1f} pairs/s")
        print(f"gRPC / asyncpg ratio             : {grpc_rate / sql_rate:8.2f}")
        winners, p50, p99 = await contention(clients, (await fresh_showtimes(engine, 1))[0])
        print(f"contention: 500 clients, 10 seats: {winners} winners, p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    finally:
        await pool.close()
        for client in clients:
            client.close()
        server.close()
        await server.wait_closed()
        await engine.dispose()
