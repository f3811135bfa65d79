"""What ``make up`` runs: the services, the docs portal, the box office and the gateway, their health
checks and doc URLs.

Every process is ``python -m <module>`` from the repository root. Ports are the services'
defaults (their settings classes); ``MESH_`` variables are not needed for a local run.
"""

from dataclasses import dataclass, field

GATEWAY_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    module: str
    port: int
    docs: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def health_url(self) -> str:
        return f"{self.url}/health"


SERVICES = (
    ProcessSpec("user", "handlers.user", 8101, (("Swagger UI", "http://127.0.0.1:8101/ui/"),)),
    ProcessSpec("cinema", "handlers.cinema", 8102, (("Swagger UI", "http://127.0.0.1:8102/ui/"),)),
    ProcessSpec("payment", "handlers.payment", 8104, (("Swagger UI", "http://127.0.0.1:8104/ui/"),)),
    ProcessSpec("booking", "handlers.booking", 8103, (("GraphiQL", "http://127.0.0.1:8103/graphql"),)),
    ProcessSpec("notification", "handlers.notification", 8105),
)
DOCS = ProcessSpec(
    "docs",
    "mesh.docs",
    8106,
    (("portal", "http://127.0.0.1:8106/docs"), ("via gateway", f"{GATEWAY_URL}/docs")),
)
WEB = ProcessSpec(
    "web",
    "mesh.web",
    8107,
    (("box office", f"{GATEWAY_URL}/"),),
)
GATEWAY = ProcessSpec("gateway", "mesh.gateway", 8000, (("gateway", GATEWAY_URL),))
ALL = (*SERVICES, DOCS, WEB, GATEWAY)


def by_name(name: str) -> ProcessSpec:
    return next(spec for spec in ALL if spec.name == name)
