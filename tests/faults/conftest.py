"""The fault suite's fixtures: its own cluster for the session, the broker audit, the run mode.

The suite runs only when asked: ``CINEMESH_FAULTS=ci`` (the small fixed-seed subset CI can afford)
or ``CINEMESH_FAULTS=full`` (every fault at the issue's sizes; ``make test-faults``). Otherwise each
test is skipped, so ``pytest`` over ``tests/`` never starts a second infrastructure by surprise.
``CINEMESH_FAULTS_REPEAT=3`` runs each test three times in a row on the same cluster.
"""

import os
from collections.abc import Iterator

import pytest

from mesh import supervisor
from tests.faults.broker import BrokerLog, declare_audit_queue
from tests.faults.cluster import INFRA, MESH, Cluster, answering, infra, owned_cluster

MODE = os.environ.get("CINEMESH_FAULTS", "")
MODES = ("ci", "full")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/faults/" not in str(item.path).replace(os.sep, "/"):
            continue
        if MODE not in MODES:
            item.add_marker(
                pytest.mark.skip(reason="fault suite: set CINEMESH_FAULTS=ci|full (make test-faults)")
            )
        elif MODE == "ci" and item.get_closest_marker("faults_full_only"):
            item.add_marker(pytest.mark.skip(reason="fault suite: in CINEMESH_FAULTS=full only"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "repeat" in metafunc.fixturenames:
        runs = int(os.environ.get("CINEMESH_FAULTS_REPEAT", "1"))
        metafunc.parametrize("repeat", range(1, runs + 1), ids=[f"run{n}" for n in range(1, runs + 1)])


@pytest.fixture(scope="session")
def full() -> bool:
    """True at the issue's sizes (CINEMESH_FAULTS=full), False for the CI subset."""
    return MODE == "full"


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    with owned_cluster() as owned:
        yield owned


@pytest.fixture(scope="session")
async def broker(cluster: Cluster) -> BrokerLog:
    await declare_audit_queue(cluster.amqp_url)
    return BrokerLog()


@pytest.fixture(autouse=True)
def healthy_cluster(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts on a whole cluster: what an earlier test left down is started again."""
    if "cluster" not in request.fixturenames:
        yield
        return
    cluster: Cluster = request.getfixturevalue("cluster")
    for component in INFRA:
        if not answering(cluster.ports[component]):
            infra("start", component)
    down = [spec for spec in MESH if not supervisor.healthy(spec, timeout=5)]
    for spec in down:
        cluster.restart(spec.name)
    yield
    if cluster.overrides:
        changed = list(cluster.overrides)
        cluster.overrides.clear()
        for name in changed:
            cluster.restart(name)
