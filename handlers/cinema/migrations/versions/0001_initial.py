"""Catalog (cinemas, halls, movies, showtimes) and seat inventory (showtime seats, holds).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)
SEAT_KINDS = "kind IN ('standard', 'premium', 'wheelchair')"


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.create_table(
        "cinemas",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("city", sa.String(100), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
    )
    op.create_table(
        "halls",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("cinema_id", sa.Integer, sa.ForeignKey("cinemas.id"), nullable=False, index=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("rows", JSONB, nullable=False),
        sa.Column("seat_count", sa.Integer, nullable=False),
    )
    op.create_table(
        "hall_seats",
        sa.Column("hall_id", sa.Integer, sa.ForeignKey("halls.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("seat_id", sa.String(8), primary_key=True),
        sa.Column("row_label", sa.String(2), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.CheckConstraint(SEAT_KINDS, name="hall_seats_kind"),
    )
    op.create_table(
        "movies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("duration_minutes", sa.Integer, nullable=False),
        sa.Column("rating", sa.String(8), nullable=False),
        sa.Column("genres", ARRAY(sa.String(40)), nullable=False),
        sa.Column("poster_url", sa.String(2048)),
    )
    op.create_table(
        "showtimes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("movie_id", sa.Integer, sa.ForeignKey("movies.id"), nullable=False, index=True),
        sa.Column("hall_id", sa.Integer, sa.ForeignKey("halls.id"), nullable=False, index=True),
        sa.Column("starts_at", UTC, nullable=False, index=True),
        sa.Column("ends_at", UTC, nullable=False),
        sa.Column("base_price_minor", sa.Integer, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name="showtimes_positive_duration"),
    )
    op.execute(
        "ALTER TABLE showtimes ADD CONSTRAINT showtimes_no_overlap "
        "EXCLUDE USING gist (hall_id WITH =, tstzrange(starts_at, ends_at) WITH &&)"
    )
    op.create_table(
        "showtime_seats",
        sa.Column(
            "showtime_id", sa.Integer, sa.ForeignKey("showtimes.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("seat_id", sa.String(8), primary_key=True),
        sa.Column("row_label", sa.String(2), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False, server_default="AVAILABLE"),
        sa.Column("hold_id", sa.String(64), index=True),
        sa.Column("held_until", UTC),
        sa.Column("booking_id", sa.String(64)),
        sa.CheckConstraint(SEAT_KINDS, name="showtime_seats_kind"),
        sa.CheckConstraint(
            "(state = 'AVAILABLE' AND hold_id IS NULL AND booking_id IS NULL)"
            " OR (state = 'HELD' AND hold_id IS NOT NULL AND held_until IS NOT NULL)"
            " OR (state = 'SOLD' AND booking_id IS NOT NULL)",
            name="showtime_seats_state",
        ),
    )
    op.create_index(
        "showtime_seats_held_until", "showtime_seats", ["held_until"], postgresql_where="state = 'HELD'"
    )
    op.create_table(
        "holds",
        sa.Column("hold_id", sa.String(64), primary_key=True),
        sa.Column(
            "showtime_id",
            sa.Integer,
            sa.ForeignKey("showtimes.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("seat_ids", ARRAY(sa.String(8)), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("held_until", UTC, nullable=False),
        sa.Column("booking_id", sa.String(64), index=True),
        sa.Column("total_price_minor", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("currency", sa.String(3), nullable=False, server_default=""),
        sa.CheckConstraint("state IN ('HELD', 'CONFIRMED', 'RELEASED', 'EXPIRED')", name="holds_state"),
    )
    op.create_index("holds_live_until", "holds", ["held_until"], postgresql_where="state = 'HELD'")
    op.create_index(
        "holds_one_confirmed_per_booking",
        "holds",
        ["booking_id"],
        unique=True,
        postgresql_where="state = 'CONFIRMED'",
    )


def downgrade() -> None:
    for table in ("holds", "showtime_seats", "showtimes", "movies", "hall_seats", "halls", "cinemas"):
        op.drop_table(table)
