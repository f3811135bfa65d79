"""The cinema domain's exception family.

Every error is a ``handlers.common.problems.ProblemError`` (so REST maps it to problem+json
for free); ``grpc_service`` maps the same classes to gRPC status codes once.
"""

from handlers.common.problems import BadRequest, Conflict, NotFound, Unprocessable

__all__ = [
    "BadRequest",
    "Conflict",
    "HoldExpired",
    "HoldIdReused",
    "HoldNotConfirmable",
    "NotFound",
    "OverlappingShowtime",
    "SeatsUnavailable",
    "ShowtimeStarted",
    "Unprocessable",
]


class SeatsUnavailable(Conflict):
    slug, title = "seats-unavailable", "Seats Unavailable"

    def __init__(self, seat_ids: list[str]):
        super().__init__(f"seats unavailable: {','.join(seat_ids)}", seat_ids=seat_ids)
        self.seat_ids = seat_ids


class HoldExpired(Conflict):
    slug, title = "hold-expired", "Hold Expired"


class HoldNotConfirmable(Conflict):
    slug, title = "hold-not-confirmable", "Hold Not Confirmable"


class HoldIdReused(Conflict):
    slug, title = "hold-id-reused", "Hold Id Reused"


class OverlappingShowtime(Conflict):
    slug, title = "overlapping-showtime", "Overlapping Showtime"


class ShowtimeStarted(Conflict):
    slug, title = "showtime-started", "Showtime Started"
