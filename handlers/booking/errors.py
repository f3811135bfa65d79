"""The booking domain's outcomes that are not successes.

``BookingProblem`` is an expected outcome the user can act on; the GraphQL layer returns it
in the mutation payload's ``error``. ``BookingFault`` is a fault or a refusal; it goes to
the response's ``errors`` with ``extensions.code``.
"""


class BookingProblem(Exception):
    def __init__(self, code: str, message: str, seat_ids: list[str] | None = None, booking=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.seat_ids = seat_ids
        self.booking = booking


class BookingFault(Exception):
    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Unauthenticated(BookingFault):
    code = "UNAUTHENTICATED"


class BadUserInput(BookingFault):
    code = "BAD_USER_INPUT"


class NotFound(BookingFault):
    code = "NOT_FOUND"


class Conflict(BookingFault):
    code = "CONFLICT"


class DependencyUnavailable(BookingFault):
    """A dependency timed out or is down; the saga left nothing it cannot undo."""

    code = "SERVICE_UNAVAILABLE"
