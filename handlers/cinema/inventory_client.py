"""Async client of the cinema seat inventory, for other services (booking).

    token = ServiceToken(settings, "booking", audience="cinema")  # handlers.common.service_token
    async with InventoryClient("127.0.0.1", 50051, token=token) as inventory:
        hold = await inventory.hold_seats(showtime_id, ["A-1", "A-2"], hold_id=str(uuid4()))
        await inventory.confirm_seats(hold.hold_id, booking_id)

Errors arrive as ``grpclib.GRPCError``; refused seats as ``SeatsUnavailableError`` (a
``GRPCError`` with status FAILED_PRECONDITION) carrying the exact ``seat_ids``.
"""

from collections.abc import Callable
from types import TracebackType

from grpclib import GRPCError, Status
from grpclib.client import Channel
from grpclib.events import SendRequest, listen

from generated.proto.cinema import v1 as pb
from handlers.common.grpc_correlation import send_correlation_id
from handlers.common.observability.grpc import ObservedChannel

UNAVAILABLE_PREFIX = "seats unavailable: "


class SeatsUnavailableError(GRPCError):
    def __init__(self, error: GRPCError, seat_ids: list[str]):
        super().__init__(error.status, error.message, error.details)
        self.seat_ids = seat_ids


def send_bearer_token(channel: Channel, token: Callable[[], str]) -> None:
    async def add_metadata(event: SendRequest) -> None:
        event.metadata["authorization"] = f"Bearer {token()}"

    listen(channel, SendRequest, add_metadata)


def _refined(error: GRPCError) -> GRPCError:
    message = error.message or ""
    if error.status is Status.FAILED_PRECONDITION and message.startswith(UNAVAILABLE_PREFIX):
        return SeatsUnavailableError(error, message.removeprefix(UNAVAILABLE_PREFIX).split(","))
    return error


def _held(hold: pb.Hold | None) -> pb.Hold:
    """proto3 gives every message field presence; the contract's responses always carry their hold."""
    if hold is None:
        raise GRPCError(Status.INTERNAL, "The seat inventory answered without the hold.")
    return hold


class InventoryClient:
    """``token()`` gives the bearer JWT sent with each call (Hold, Confirm and Release need one)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 50051,
        timeout_seconds: float = 5.0,
        token: Callable[[], str] | None = None,
    ):
        self._channel = ObservedChannel(host, port)
        send_correlation_id(self._channel)
        if token is not None:
            send_bearer_token(self._channel, token)
        self._stub = pb.SeatInventoryServiceStub(self._channel)
        self._timeout = timeout_seconds

    async def __aenter__(self) -> "InventoryClient":
        return self

    async def __aexit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    @property
    def channel(self) -> Channel:
        """The underlying channel (e.g. for a ``grpc.health.v1`` health check)."""
        return self._channel

    def close(self) -> None:
        self._channel.close()

    async def hold_seats(
        self, showtime_id: int, seat_ids: list[str], hold_id: str, ttl_seconds: int = 0
    ) -> pb.Hold:
        request = pb.HoldSeatsRequest(
            showtime_id=showtime_id, seat_ids=seat_ids, hold_id=hold_id, ttl_seconds=ttl_seconds
        )
        try:
            response = await self._stub.hold_seats(request, timeout=self._timeout)
        except GRPCError as error:
            raise _refined(error) from None
        return _held(response.hold)

    async def confirm_seats(self, hold_id: str, booking_id: str) -> pb.Hold:
        request = pb.ConfirmSeatsRequest(hold_id=hold_id, booking_id=booking_id)
        return _held((await self._stub.confirm_seats(request, timeout=self._timeout)).hold)

    async def release_seats(
        self, hold_id: str | None = None, booking_id: str | None = None
    ) -> pb.ReleaseSeatsResponse:
        request = pb.ReleaseSeatsRequest(hold_id=hold_id, booking_id=booking_id)
        return await self._stub.release_seats(request, timeout=self._timeout)

    async def get_seat_map(self, showtime_id: int) -> pb.GetSeatMapResponse:
        request = pb.GetSeatMapRequest(showtime_id=showtime_id)
        return await self._stub.get_seat_map(request, timeout=self._timeout)
