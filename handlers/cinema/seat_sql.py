"""The SQL of the seat inventory ($n placeholders, shared by the service and the asyncpg benchmark).

Lock order everywhere: the ``holds`` row first, then ``showtime_seats`` rows ``ORDER BY seat_id``
with ``FOR UPDATE``; so two transactions never wait on each other in opposite orders.
Liveness and the showtime's start are decided with ``CLOCK``, read once the locks are held: never
from a ``FOR UPDATE`` query's select list, which PostgreSQL evaluates before waiting for the lock
(and not again when the lock holder rolls back), so a clock read there predates the lock.
"""

HOLD_COLUMNS = "hold_id, showtime_id, seat_ids, state, held_until, booking_id, total_price_minor, currency"

CLOCK = "SELECT clock_timestamp() AS now, starts_at FROM showtimes WHERE id = $1"

# Also reports the seats already taken in the statement's snapshot, so a request that must fail
# fails fast, without queueing for row locks; a request that may succeed decides under LOCK_SEATS.
INSERT_HOLD = """
WITH st AS (
    SELECT id, base_price_minor, currency, starts_at <= clock_timestamp() AS started
    FROM showtimes WHERE id = $2),
ins AS (
    INSERT INTO holds (hold_id, showtime_id, seat_ids, state, held_until, currency)
    SELECT $1, st.id, $3::varchar[], 'HELD', clock_timestamp() + $4::int * interval '1 second', st.currency
    FROM st WHERE NOT st.started
    ON CONFLICT (hold_id) DO NOTHING
    RETURNING held_until),
taken AS (
    SELECT coalesce(array_agg(seat_id ORDER BY seat_id), '{}') AS seat_ids FROM showtime_seats
    WHERE showtime_id = $2 AND seat_id = ANY($3::varchar[])
      AND (state = 'SOLD' OR (state = 'HELD' AND held_until > clock_timestamp())))
SELECT st.base_price_minor, st.currency, st.started, ins.held_until, taken.seat_ids AS already_taken
FROM st LEFT JOIN ins ON true CROSS JOIN taken
"""

LOCK_SEATS = """
SELECT seat_id, kind, state, hold_id, held_until
FROM showtime_seats
WHERE showtime_id = $1 AND seat_id = ANY($2::varchar[])
ORDER BY seat_id
FOR UPDATE
"""

# A hold never queues behind another request's seat locks: the seats it cannot lock at once are
# being taken (or released) by someone else right now, so it answers "unavailable" without waiting.
# In a rush of many requests for the same seats, the losers answer at once instead of each
# waiting its turn for a lock it would only find taken (the caller may try again).
LOCK_FREE_SEATS = LOCK_SEATS + "SKIP LOCKED\n"
SEATS_OF = "SELECT seat_id FROM showtime_seats WHERE showtime_id = $1 AND seat_id = ANY($2::varchar[])"

TAKE_SEATS = f"""
WITH taken AS (
    UPDATE showtime_seats SET state = 'HELD', hold_id = $3, held_until = $4, booking_id = NULL
    WHERE showtime_id = $1 AND seat_id = ANY($2::varchar[])
    RETURNING seat_id)
UPDATE holds SET total_price_minor = $5 WHERE hold_id = $3 RETURNING {HOLD_COLUMNS}
"""

GET_HOLD = f"SELECT {HOLD_COLUMNS} FROM holds WHERE hold_id = $1"
LOCK_HOLD = f"SELECT {HOLD_COLUMNS} FROM holds WHERE hold_id = $1 FOR UPDATE"
LOCK_HOLD_OF_BOOKING = f"""
SELECT {HOLD_COLUMNS} FROM holds WHERE booking_id = $1
ORDER BY state = 'CONFIRMED' DESC, held_until DESC LIMIT 1 FOR UPDATE
"""

SELL_SEATS = f"""
WITH sold AS (
    UPDATE showtime_seats SET state = 'SOLD', booking_id = $3, held_until = NULL
    WHERE showtime_id = $1 AND seat_id = ANY($2::varchar[])
    RETURNING seat_id)
UPDATE holds SET state = 'CONFIRMED', booking_id = $3 WHERE hold_id = $4 RETURNING {HOLD_COLUMNS}
"""

FREE_SEATS = """
WITH freed AS (
    UPDATE showtime_seats SET state = 'AVAILABLE', hold_id = NULL, held_until = NULL, booking_id = NULL
    WHERE showtime_id = $1 AND seat_id = ANY($2::varchar[])
    RETURNING seat_id),
released AS (UPDATE holds SET state = 'RELEASED' WHERE hold_id = $3)
SELECT seat_id FROM freed ORDER BY seat_id
"""

SHOWTIME_PRICING = "SELECT base_price_minor, currency FROM showtimes WHERE id = $1"

SEAT_MAP = """
SELECT seat_id, row_label, number, kind, state, held_until, clock_timestamp() AS now
FROM showtime_seats WHERE showtime_id = $1 ORDER BY position
"""

SWEEP_SEATS = """
UPDATE showtime_seats SET state = 'AVAILABLE', hold_id = NULL, held_until = NULL
WHERE (showtime_id, seat_id) IN (
    SELECT showtime_id, seat_id FROM showtime_seats
    WHERE state = 'HELD' AND held_until <= clock_timestamp()
    LIMIT $1 FOR UPDATE SKIP LOCKED)
"""

SWEEP_HOLDS = """
UPDATE holds SET state = 'EXPIRED'
WHERE hold_id IN (
    SELECT hold_id FROM holds WHERE state = 'HELD' AND held_until <= clock_timestamp()
    LIMIT $1 FOR UPDATE SKIP LOCKED)
"""
