"""Clock: a seat hold lapses while its booking's charge is in flight.

Booking is restarted with 4 s holds and payment with a processor that takes 2 s per call (its
timeout raised to 4 s), so a confirmation started more than about a second after its hold charges
a card the hold no longer covers. Users confirm 0-2.5 s after holding, for 20 s. Kills nothing.
Checks all invariants: such a booking ends EXPIRED with its charge refunded in full, no seat is
sold for it, the client is told BOOKING_EXPIRED, and exactly one expiry and one refund are
notified; the bookings whose charge landed in time are CONFIRMED.
"""

import pytest

from tests.faults.run import Scenario, run
from tests.faults.workload import Workload

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.faults_full_only, pytest.mark.timeout(900)]


async def test_hold_lapses_while_the_charge_is_in_flight(cluster, broker, full, repeat):
    cluster.overrides["booking"] = {"BOOKING_HOLD_TTL_SECONDS": "4"}
    cluster.overrides["payment"] = {
        "PAYMENT_PROCESSOR_LATENCY_MS": "2000",
        "PAYMENT_PROCESSOR_TIMEOUT_SECONDS": "4",
    }
    cluster.restart("booking")
    cluster.restart("payment")
    workload = Workload(20, None, seed=51, concurrency=8, decline_share=0.1, confirm_delay=(0.0, 2.5))
    report = await run(cluster, Scenario(f"clock-{repeat}", workload, seats=300, run_seconds=20.0), broker)
    assert report.passed, report.render()
    captured = {p["booking_id"] for p in report.observed.snapshot.payments if p["status"] == "succeeded"}
    lapsed = [
        b for b in report.observed.snapshot.bookings if b["status"] == "EXPIRED" and b["_id"] in captured
    ]
    assert lapsed, "no hold lapsed while its charge was in flight:\n" + report.render()
    assert report.counts()["confirmed"] > 0, "no charge landed within its hold:\n" + report.render()
