"""Zero trust on the seat inventory: only the booking service may change seats.

HoldSeats, ConfirmSeats and ReleaseSeats need ``authorization: Bearer <JWT>`` metadata carrying
the booking service's own token (``sub`` = ``service:booking``, ``aud`` = ``cinema``, signed with
booking's key; ``handlers.common.auth``). Missing, malformed, forged, expired or misaddressed:
UNAUTHENTICATED. A genuine token of anyone else (a user, an admin, another service):
PERMISSION_DENIED. Both before the call reaches the inventory. ``GetSeatMap`` (public over REST
too) and the health service need no token.
"""

from grpclib import GRPCError, Status
from grpclib.events import RecvRequest, listen
from grpclib.server import Server

from handlers.common.auth import AuthError, NotAllowed, TokenVerifier

AUDIENCE = "cinema"
SEAT_WRITERS = frozenset({"booking"})
OPEN_METHODS = frozenset(
    {
        "/cinema.v1.SeatInventoryService/GetSeatMap",
        "/grpc.health.v1.Health/Check",
        "/grpc.health.v1.Health/Watch",
    }
)


def require_booking_service(server: Server, verifier: TokenVerifier) -> None:
    async def check(event: RecvRequest) -> None:
        if event.method_name in OPEN_METHODS:
            return
        header = event.metadata.get("authorization")
        scheme, _, token = (header if isinstance(header, str) else "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise GRPCError(Status.UNAUTHENTICATED, "This call needs 'authorization: Bearer <JWT>' metadata.")
        try:
            verifier.authorize_service(token.strip(), AUDIENCE, SEAT_WRITERS)
        except NotAllowed as exc:
            raise GRPCError(Status.PERMISSION_DENIED, f"Permission denied: {exc.reason}.") from exc
        except AuthError as exc:
            raise GRPCError(Status.UNAUTHENTICATED, f"The bearer token is not valid: {exc.reason}.") from exc

    listen(server, RecvRequest, check)
