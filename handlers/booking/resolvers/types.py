"""Object and scalar bindings, and where every field without a resolver of its own reads its value.

A field with no resolver bound here is resolved by ariadne from its parent object: the attribute,
or the dict key, named like the field in snake_case (``convert_names_case``: ``holdExpiresAt``
reads ``hold_expires_at``). ``SOURCES`` names each object type's parent: a class (its fields) or,
where the parent is a dict, a ``TypedDict`` declaring its keys, which the code producing it
builds. ``ALWAYS_NULL`` lists the nullable fields that deliberately have no source, each with
its reason. tests/unit/contracts/test_graphql_resolvers.py checks every field of the SDL against
these, so a field added to the contract with neither a resolver nor a source fails there.
"""

from datetime import UTC, datetime
from typing import TypedDict

from ariadne import ObjectType, ScalarType

from handlers.booking.models import Booking, Step
from handlers.booking.ports import SeatView

datetime_scalar = ScalarType("DateTime")


@datetime_scalar.serializer
def serialize_datetime(value: datetime | str) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else value
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@datetime_scalar.value_parser
def parse_datetime(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class Money(TypedDict):
    amount: int
    currency: str


class CatalogMovie(TypedDict):
    """An item of ``Catalog.movies`` (handlers/booking/adapters/catalog.py)."""

    id: str
    title: str
    duration_minutes: int
    rating: str
    genres: list[str]


class CatalogShowtime(TypedDict):
    """An item of ``Catalog.showtimes`` (handlers/booking/adapters/catalog.py)."""

    id: str
    movie_id: str
    cinema_id: str
    hall_id: str
    starts_at: datetime
    price: Money


class SeatMap(TypedDict):
    showtime_id: str
    seats: list[SeatView]


class BookingError(TypedDict):
    code: str
    message: str
    seat_ids: list[str] | None


class BookingPayload(TypedDict):
    booking: Booking | None
    error: BookingError | None


SOURCES: dict[str, type] = {
    "Booking": Booking,
    "BookingStep": Step,
    "Money": Money,
    "Movie": CatalogMovie,
    "Showtime": CatalogShowtime,
    "Seat": SeatView,
    "SeatMap": SeatMap,
    "BookingError": BookingError,
    "CreateBookingPayload": BookingPayload,
    "ConfirmBookingPayload": BookingPayload,
    "CancelBookingPayload": BookingPayload,
}
ALWAYS_NULL = {
    "Movie.description": "cinema.yaml's Movie has no description: null until the catalog carries one",
}

booking_type = ObjectType("Booking")


@booking_type.field("total")
def resolve_total(booking: Booking, _info) -> Money:
    return Money(amount=booking.amount, currency=booking.currency)


seat_type = ObjectType("Seat")


@seat_type.field("id")
def resolve_seat_id(seat: SeatView, _info) -> str:
    return seat.seat_id


showtime_type = ObjectType("Showtime")


@showtime_type.field("movie")
async def resolve_showtime_movie(showtime: CatalogShowtime, info) -> CatalogMovie | None:
    context = info.context
    if "movies_by_id" not in context:
        context["movies_by_id"] = {movie["id"]: movie for movie in await context["deps"].catalog.movies()}
    return context["movies_by_id"].get(showtime["movie_id"])


bindables = [datetime_scalar, booking_type, seat_type, showtime_type]
