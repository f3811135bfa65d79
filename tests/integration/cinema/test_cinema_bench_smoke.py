"""The seat-inventory benchmark's two workloads still run against the current schema (one pair each)."""

import asyncpg
import pytest
from sqlalchemy import make_url

from bench import seat_inventory as bench
from handlers.cinema.seat_map import seat_map

pytestmark = pytest.mark.integration


async def test_grpc_and_baseline_pairs_sell_their_seats(cinema_engine, cinema_settings, inventory):
    (grpc_showtime, grpc_seats), (sql_showtime, sql_seats) = await bench.seat_pairs(cinema_engine, 2)
    dsn = make_url(cinema_settings.postgres_url).set(drivername="postgresql").render_as_string(False)
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=1)
    try:
        await bench.grpc_pair(inventory, grpc_showtime, grpc_seats)
        await bench.asyncpg_pair(pool, sql_showtime, sql_seats)
    finally:
        await pool.close()
    for showtime, seats in ((grpc_showtime, grpc_seats), (sql_showtime, sql_seats)):
        states = {seat.seat_id: seat.state for seat in (await seat_map(cinema_engine, showtime)).seats}
        assert [states[seat] for seat in seats] == ["SOLD", "SOLD"]
