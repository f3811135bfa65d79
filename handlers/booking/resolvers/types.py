"""Object and scalar bindings whose fields differ from the stored shape."""

from datetime import UTC, datetime

from ariadne import ObjectType, ScalarType

datetime_scalar = ScalarType("DateTime")


@datetime_scalar.serializer
def serialize_datetime(value: datetime | str) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else value
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@datetime_scalar.value_parser
def parse_datetime(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


booking_type = ObjectType("Booking")


@booking_type.field("total")
def resolve_total(booking, _info):
    return {"amount": booking.amount, "currency": booking.currency}


seat_type = ObjectType("Seat")


@seat_type.field("id")
def resolve_seat_id(seat, _info):
    return seat.seat_id


showtime_type = ObjectType("Showtime")


@showtime_type.field("movie")
async def resolve_showtime_movie(showtime, info):
    context = info.context
    if "movies_by_id" not in context:
        context["movies_by_id"] = {movie["id"]: movie for movie in await context["deps"].catalog.movies()}
    return context["movies_by_id"].get(showtime["movie_id"])


bindables = [datetime_scalar, booking_type, seat_type, showtime_type]
