"""Query resolvers: the public catalog (cinema REST + gRPC seat map) and the caller's bookings."""

from datetime import date

from ariadne import QueryType

from handlers.booking import service
from handlers.booking.errors import BadUserInput, NotFound
from handlers.booking.ports import UnknownShowtime
from handlers.booking.resolvers.auth import caller
from handlers.booking.resolvers.types import SeatMap

query = QueryType()


@query.field("movies")
async def resolve_movies(_obj, info):
    return await info.context["deps"].catalog.movies()


@query.field("showtimes")
async def resolve_showtimes(_obj, info, movie_id=None, cinema_id=None, date=None):
    filters = {"movie_id": movie_id, "cinema_id": cinema_id, "date": _date(date)}
    for name in ("movie_id", "cinema_id"):
        if filters[name] is not None and not str(filters[name]).isdigit():
            return []
    return await info.context["deps"].catalog.showtimes(filters)


def _date(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise BadUserInput("date must be a calendar date, YYYY-MM-DD.") from exc


@query.field("seatMap")
async def resolve_seat_map(_obj, info, showtime_id):
    try:
        seats = await info.context["deps"].inventory.seat_map(showtime_id)
    except UnknownShowtime as exc:
        raise NotFound(f"Showtime {showtime_id} does not exist.") from exc
    return SeatMap(showtime_id=showtime_id, seats=seats)


@query.field("booking")
async def resolve_booking(_obj, info, id):
    return await service.owned_booking(caller(info), id)


@query.field("myBookings")
async def resolve_my_bookings(_obj, info):
    return await service.my_bookings(caller(info))
