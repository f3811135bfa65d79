"""Zero trust on the seat inventory: no valid token, no seat changes hands (UNAUTHENTICATED).

Who may change seats at all (only the booking service: PERMISSION_DENIED for users, admins and
other services) is attacked in tests/security/test_seat_inventory_side_doors.py.
"""

import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from grpclib import GRPCError, Status
from grpclib.health.v1.health_grpc import HealthStub
from grpclib.health.v1.health_pb2 import HealthCheckRequest

from generated.proto.cinema import v1 as pb
from handlers.cinema.inventory_client import InventoryClient
from handlers.common.keys import load_signing_key
from handlers.common.signing import sign_service_token

pytestmark = pytest.mark.integration


def _claims(**overrides) -> dict:
    now = int(time.time())
    booking = "service:booking"
    return {"iss": booking, "sub": booking, "aud": "cinema", "iat": now, "exp": now + 300, **overrides}


def _signed_by_booking(settings, **overrides) -> str:
    kid, key = load_signing_key(settings.jwt_keys_dir, "booking")
    return jwt.encode(_claims(**overrides), key, algorithm="RS256", headers={"kid": kid})


def bad_tokens(settings) -> dict[str, str]:
    kid, _ = load_signing_key(settings.jwt_keys_dir, "booking")
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    return {
        "empty": "",
        "garbage": "not-a-jwt",
        "expired": _signed_by_booking(settings, iat=now - 600, exp=now - 60),
        "for another callee": sign_service_token(settings, "booking", "payment", 300),
        "no audience": _signed_by_booking(settings, aud=None),
        "forged": jwt.encode(_claims(), stranger, algorithm="RS256", headers={"kid": kid}),
        "alg none": jwt.encode(_claims(), None, algorithm="none"),
    }


async def test_changing_calls_without_a_valid_token_are_unauthenticated_and_change_nothing(
    inventory, inventory_port, cinema_settings, make_showtime
):
    showtime = await make_showtime()
    held = await inventory.hold_seats(showtime, ["A-2"], str(uuid.uuid4()))
    calls = {
        "HoldSeats": lambda client: client.hold_seats(showtime, ["A-1"], str(uuid.uuid4())),
        "ConfirmSeats": lambda client: client.confirm_seats(held.hold_id, "booking-by-a-stranger"),
        "ReleaseSeats": lambda client: client.release_seats(hold_id=held.hold_id),
    }
    tokens = {"missing": None, **bad_tokens(cinema_settings)}
    for name, token in tokens.items():
        provider = None if token is None else (lambda token=token: token)
        async with InventoryClient("127.0.0.1", inventory_port, token=provider) as stranger:
            for method, call in calls.items():
                with pytest.raises(GRPCError) as refused:
                    await call(stranger)
                assert refused.value.status == Status.UNAUTHENTICATED, (name, method, refused.value)
    seats = {seat.seat_id: seat for seat in (await inventory.get_seat_map(showtime)).seats}
    assert seats["A-1"].state == pb.SeatState.AVAILABLE
    assert seats["A-2"].state == pb.SeatState.HELD


async def test_the_seat_map_and_health_need_no_token(inventory_port, make_showtime):
    showtime = await make_showtime()
    async with InventoryClient("127.0.0.1", inventory_port) as anonymous:
        assert len((await anonymous.get_seat_map(showtime)).seats) == 20
        health = await HealthStub(anonymous.channel).Check(HealthCheckRequest())
        assert health.status == health.SERVING
