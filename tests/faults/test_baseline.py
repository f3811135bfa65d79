"""The baseline: many users racing for 40 seats with 30 % declines, and no fault at all.

Kills nothing. Checks every invariant (``invariants.INVARIANTS``); with no fault, no call may fail.
Full: 100 users x 10 attempts (1,000); CI: 30 users x 5 attempts (150). Seed 12.
"""

import pytest

from tests.faults.run import Scenario, run
from tests.faults.workload import Workload

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.timeout(1200)]


async def test_baseline_race_without_faults(cluster, broker, full, repeat):
    workload = Workload(users=100, attempts_per_user=10, seed=12) if full else Workload(30, 5, seed=12)
    report = await run(cluster, Scenario(f"baseline-{repeat}", workload), broker)
    assert report.passed, report.render()
    assert report.counts()["errors"] == 0, report.render()
