"""``kill -9`` of one service of the suite's mesh in the middle of a run, started again afterwards.

Each run: users book for at least 30 s on 500 seats (30 % declined cards, 5 % processor timeouts,
cancellations, abandoned holds), the service is killed at +8 s and started again 5 s later, then
users go on for 15 s; afterwards every invariant (``invariants.INVARIANTS``) is checked over
everything stored. The clients' errors must fall inside the fault window and be clear (503 /
SERVICE_UNAVAILABLE, the gateway's 502, no answer), never a 400 or a 500.
"""

import pytest

from tests.faults.faults import kill_service
from tests.faults.run import run, under_fault

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.timeout(900)]


def _errors(report, op: str) -> int:
    window = report.observed.windows[0]
    return sum(
        1
        for call in report.observed.history.errors()
        if call.op == op and window.start <= call.started <= window.healed
    )


@pytest.mark.faults_full_only
async def test_payment_killed_during_confirmations(cluster, broker, full, repeat):
    """Kills payment at +8 s for 5 s: confirmations in flight lose their charge call. Checks all
    invariants; confirmations during the outage are answered 503 SERVICE_UNAVAILABLE and converge
    when retried with the same booking."""
    fault = kill_service(cluster, "payment", at=8, down_for=5)
    report = await run(cluster, under_fault(f"payment-killed-{repeat}", fault, full, seed=21), broker)
    assert report.passed, report.render()
    assert _errors(report, "confirmBooking") > 0, "the outage reached no confirmation:\n" + report.render()


async def test_booking_killed_mid_saga(cluster, broker, full, repeat):
    """Kills booking at +8 s for 5 s: sagas are cut between hold, charge and seat confirmation. Checks
    all invariants: every booking it left mid-way is resumed or compensated (none left CONFIRMING or
    PENDING past its hold, no capture without seats); clients learn the outcome by asking again."""
    fault = kill_service(cluster, "booking", at=8, down_for=5)
    report = await run(cluster, under_fault(f"booking-killed-{repeat}", fault, full, seed=22), broker)
    assert report.passed, report.render()
    cut = sum(_errors(report, op) for op in ("createBooking", "confirmBooking", "cancelBooking"))
    assert cut > 0, "the kill reached no request:\n" + report.render()


@pytest.mark.faults_full_only
async def test_cinema_killed_during_holds_and_confirms(cluster, broker, full, repeat):
    """Kills cinema (REST and the gRPC seat inventory) at +8 s for 5 s: holds and seat confirmations
    fail while it is down. Checks all invariants (no seat sold twice, SOLD == CONFIRMED, no capture
    without seats); holds, confirmations and cancellations answer SERVICE_UNAVAILABLE meanwhile, seat
    maps the gateway's 502."""
    fault = kill_service(cluster, "cinema", at=8, down_for=5)
    report = await run(cluster, under_fault(f"cinema-killed-{repeat}", fault, full, seed=23), broker)
    assert report.passed, report.render()
    reached = sum(_errors(report, op) for op in ("createBooking", "confirmBooking", "cancelBooking"))
    assert reached > 0, "the kill reached no request:\n" + report.render()
