"""The browser tests of the box office run against a mesh of their own, started for the module that
asks for it and stopped after it (tests/browser/mesh.py): never a mesh that was already running."""

from collections.abc import Iterator

import httpx
import pytest

from mesh import journey
from mesh.seed import DEMO_ADMIN
from tests.browser.mesh import Mesh, own_mesh


@pytest.fixture(scope="module")
def mesh() -> Iterator[Mesh]:
    with own_mesh() as started:
        yield started


@pytest.fixture(scope="module")
def gateway(mesh: Mesh) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mesh.gateway_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def admin_token(gateway: httpx.Client) -> str:
    return journey.log_in(gateway, DEMO_ADMIN.email, DEMO_ADMIN.password)
