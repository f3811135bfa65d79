"""The caller's correlation id travels as gRPC metadata and lands in the inventory's log line."""

import logging
import uuid
from collections.abc import Iterator

import pytest
from grpclib import GRPCError

from handlers.common.correlation import correlation_id_bound

pytestmark = pytest.mark.integration
METHOD = "/cinema.v1.SeatInventoryService"


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def access_log() -> Iterator[list[str]]:
    handler, logger = Lines(), logging.getLogger("cinemesh.access")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield handler.lines
    logger.removeHandler(handler)
    logger.setLevel(previous)


async def test_each_call_logs_method_status_and_the_callers_correlation_id(
    inventory, make_showtime, access_log
):
    showtime, correlation = await make_showtime(), f"corr-{uuid.uuid4()}"
    with correlation_id_bound(correlation):
        await inventory.hold_seats(showtime, ["A-1"], str(uuid.uuid4()))
        with pytest.raises(GRPCError):
            await inventory.confirm_seats(str(uuid.uuid4()), "booking-unknown-hold")
    await inventory.get_seat_map(showtime)
    assert access_log == [
        f"gRPC {METHOD}/HoldSeats -> OK correlation_id={correlation}",
        f"gRPC {METHOD}/ConfirmSeats -> NOT_FOUND correlation_id={correlation}",
        f"gRPC {METHOD}/GetSeatMap -> OK correlation_id=-",
    ]
