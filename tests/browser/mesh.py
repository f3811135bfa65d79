"""The browser suite's own mesh (``mesh.own_mesh``): the five services, the docs portal, the box office
and the local gateway on 28xxx ports (gateway 28000, services 28101-28105, docs 28106, box office
28107, gRPC 28051), state under ``.run/browser/``, stores of their own on the shared infrastructure,
emptied and seeded at every start: PostgreSQL ``cinema_browser``, MongoDB ``<service>s_browser``,
Redis db 12, RabbitMQ virtual host ``cinemesh_browser``."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from handlers.common.settings import REPO_ROOT
from mesh.own_mesh import OwnMesh, empty_shared_stores, shared_stores

BROWSER = OwnMesh("browser suite", 28000, REPO_ROOT / ".run" / "browser", portal=True, gateway_status=False)


@dataclass(frozen=True)
class Mesh:
    gateway_url: str


@contextmanager
def own_mesh() -> Iterator[Mesh]:
    """The whole mesh for the duration of the block, on the suite's ports and stores."""
    with BROWSER.supervised():
        stores = shared_stores("browser", redis_db=12)
        env = BROWSER.environment(stores)
        empty_shared_stores(stores)
        BROWSER.seed(env)
        with BROWSER.running(env):
            yield Mesh(BROWSER.gateway.url)
