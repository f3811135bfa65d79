"""Cinema tables (SQLModel). The schema itself is created by the Alembic migrations."""

from datetime import datetime

from sqlalchemy import ARRAY, Column, DateTime, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel


def _utc(nullable: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


class Cinema(SQLModel, table=True):
    __tablename__ = "cinemas"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    city: str = Field(max_length=100)
    address: str = Field(max_length=300)


class Hall(SQLModel, table=True):
    __tablename__ = "halls"
    id: int | None = Field(default=None, primary_key=True)
    cinema_id: int = Field(foreign_key="cinemas.id", index=True)
    name: str = Field(max_length=100)
    rows: list[dict] = Field(sa_column=Column(JSONB, nullable=False))
    seat_count: int


class HallSeat(SQLModel, table=True):
    __tablename__ = "hall_seats"
    hall_id: int = Field(foreign_key="halls.id", primary_key=True, ondelete="CASCADE")
    seat_id: str = Field(primary_key=True, max_length=8)
    row_label: str = Field(max_length=2)
    number: int
    kind: str = Field(max_length=16)
    position: int


class Movie(SQLModel, table=True):
    __tablename__ = "movies"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    duration_minutes: int
    rating: str = Field(max_length=8)
    genres: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(String(40)), nullable=False))
    poster_url: str | None = Field(default=None, max_length=2048)


class Showtime(SQLModel, table=True):
    __tablename__ = "showtimes"
    id: int | None = Field(default=None, primary_key=True)
    movie_id: int = Field(foreign_key="movies.id", index=True)
    hall_id: int = Field(foreign_key="halls.id", index=True)
    starts_at: datetime = Field(sa_column=_utc())
    ends_at: datetime = Field(sa_column=_utc())
    base_price_minor: int
    currency: str = Field(max_length=3)


class ShowtimeSeat(SQLModel, table=True):
    __tablename__ = "showtime_seats"
    showtime_id: int = Field(foreign_key="showtimes.id", primary_key=True, ondelete="CASCADE")
    seat_id: str = Field(primary_key=True, max_length=8)
    row_label: str = Field(max_length=2)
    number: int
    kind: str = Field(max_length=16)
    position: int
    state: str = Field(default="AVAILABLE", max_length=16)
    hold_id: str | None = Field(default=None, max_length=64, index=True)
    held_until: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    booking_id: str | None = Field(default=None, max_length=64)


class SeatHold(SQLModel, table=True):
    __tablename__ = "holds"
    hold_id: str = Field(primary_key=True, max_length=64)
    showtime_id: int = Field(foreign_key="showtimes.id", index=True, ondelete="CASCADE")
    seat_ids: list[str] = Field(sa_column=Column(ARRAY(String(8)), nullable=False))
    state: str = Field(max_length=16)
    held_until: datetime = Field(sa_column=_utc())
    booking_id: str | None = Field(default=None, max_length=64)
    total_price_minor: int = 0
    currency: str = Field(default="", max_length=3)
