"""Zero trust on the seat inventory: calls that change seats need a valid CineMesh JWT.

The caller sends ``authorization: Bearer <JWT>`` metadata; the token is verified like the REST
services verify theirs (RS256, known ``kid``, issuer, expiry, role). Missing or invalid:
UNAUTHENTICATED with the reason, before the call reaches the inventory. ``GetSeatMap`` (public
over REST too) and the health service need no token.
"""

from grpclib import GRPCError, Status
from grpclib.events import RecvRequest, listen
from grpclib.server import Server

from handlers.common.auth import AuthError, TokenVerifier

OPEN_METHODS = frozenset(
    {
        "/cinema.v1.SeatInventoryService/GetSeatMap",
        "/grpc.health.v1.Health/Check",
        "/grpc.health.v1.Health/Watch",
    }
)


def require_bearer_tokens(server: Server, verifier: TokenVerifier) -> None:
    async def check(event: RecvRequest) -> None:
        if event.method_name in OPEN_METHODS:
            return
        scheme, _, token = (event.metadata.get("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise GRPCError(Status.UNAUTHENTICATED, "This call needs 'authorization: Bearer <JWT>' metadata.")
        try:
            verifier.verify(token.strip())
        except AuthError as exc:
            raise GRPCError(Status.UNAUTHENTICATED, f"The bearer token is not valid: {exc.reason}.") from exc

    listen(server, RecvRequest, check)
