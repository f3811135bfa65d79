"""Prometheus for the mesh: its scrape configuration from the supervisor's list of services
(``mesh.processes.SERVICES``), and ``python -m mesh.prometheus up|down|run`` for Debian's ``prometheus``.

``make up`` installs the package when it can (``scripts/prometheus.sh``) and runs ``up``: when the
binary is there and nothing else answers on 127.0.0.1:9090 it starts ``run`` under the supervisor
(pid file and log in ``.run/mesh/``), which writes ``.run/mesh/prometheus/prometheus.yml`` and runs
Prometheus on it (data kept two days). Each service is a job of its own, scraped on its own port
(``/metrics`` is never routed by the gateway); the local gateway is scraped on its status port.
The compose stack's configuration (``observability/prometheus/prometheus.yml``, compose host names)
is rendered by the same code (``--compose``); a unit test keeps the committed file equal to it.
"""

import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from handlers.common.settings import REPO_ROOT
from mesh import supervisor
from mesh.processes import SERVICES, ProcessSpec

PORT = 9090
SPEC = ProcessSpec("prometheus", "mesh.prometheus", PORT)
COMPOSE_CONFIG = REPO_ROOT / "observability" / "prometheus" / "prometheus.yml"
HEADER = "# Written by mesh/prometheus.py from mesh/processes.py (python -m mesh.prometheus --compose).\n"


def scrape_config(
    host_of: Callable[[ProcessSpec], str],
    gateway: str | None,
    services: Sequence[ProcessSpec] = SERVICES,
) -> dict[str, Any]:
    """A job per service of the supervisor's list at ``host_of(spec):spec.port``, plus the gateway."""
    jobs = [
        {"job_name": spec.name, "static_configs": [{"targets": [f"{host_of(spec)}:{spec.port}"]}]}
        for spec in services
    ]
    if gateway:
        jobs.append({"job_name": "gateway", "static_configs": [{"targets": [gateway]}]})
    return {"global": {"scrape_interval": "5s", "evaluation_interval": "5s"}, "scrape_configs": jobs}


def local_config() -> dict[str, Any]:
    from mesh.gateway.settings import GatewaySettings

    status_port = GatewaySettings().status_port
    return scrape_config(lambda _spec: "127.0.0.1", f"127.0.0.1:{status_port}" if status_port else None)


def compose_config() -> dict[str, Any]:
    """Compose host names; Kong's own metrics need its prometheus plugin, which kong.yml does not enable."""
    return scrape_config(lambda spec: spec.name, None)


def render(config: dict[str, Any]) -> str:
    return HEADER + yaml.safe_dump(config, sort_keys=False)


def _answering(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def up() -> int:
    if supervisor.running_pid(SPEC):
        print(f"[mesh] prometheus already runs: http://127.0.0.1:{PORT}")
        return 0
    if shutil.which("prometheus") is None:
        print(
            "[mesh] prometheus is not installed (scripts/prometheus.sh installs it); metrics are not scraped"
        )
        return 0
    if _answering(PORT):
        print(f"[mesh] something else answers on 127.0.0.1:{PORT}; not starting prometheus")
        return 0
    supervisor.start(SPEC)
    print(f"[mesh] prometheus: http://127.0.0.1:{PORT} (targets: /targets; log {supervisor.log_path(SPEC)})")
    return 0


def down() -> int:
    if supervisor.stop(SPEC):
        print("[mesh] stopped prometheus")
    return 0


def command(directory: Path, config: dict[str, Any], port: int = PORT) -> list[str]:
    """Write ``config`` into ``directory``; the command line serving it on 127.0.0.1:``port``."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "prometheus.yml"
    path.write_text(render(config))
    return [
        "prometheus",
        f"--config.file={path}",
        f"--storage.tsdb.path={directory / 'data'}",
        "--storage.tsdb.retention.time=2d",
        f"--web.listen-address=127.0.0.1:{port}",
    ]


def run(directory: Path) -> int:
    return subprocess.run(command(directory, local_config()), check=False).returncode


def main(argv: list[str]) -> int:
    if argv == ["--compose"]:
        sys.stdout.write(render(compose_config()))
        return 0
    commands = {
        "up": up,
        "down": down,
        "run": lambda: run(supervisor.state_dir() / "prometheus"),
    }
    if len(argv) > 1 or (argv and argv[0] not in commands):
        print("usage: python -m mesh.prometheus [up|down|run|--compose]", file=sys.stderr)
        return 2
    return commands[argv[0] if argv else "run"]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
