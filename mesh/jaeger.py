"""Jaeger for the local mesh: ``python -m mesh.jaeger up|down|run`` (``make up`` runs ``up``).

``up`` starts the binary ``scripts/jaeger.sh`` built (``make jaeger``; never built by ``make up``, it
takes minutes) under the supervisor, unless it is missing or something answers on its ports, and
prints its OTLP/HTTP endpoint on standard output for ``CINEMESH_OTLP_ENDPOINT`` (nothing when it
does not run). Traces stay in Jaeger's memory; its API is on http://127.0.0.1:16686/api/traces/<id>.
"""

import socket
import subprocess
import sys
from pathlib import Path

from handlers.common.settings import REPO_ROOT
from mesh import supervisor
from mesh.processes import ProcessSpec

SPEC = ProcessSpec("jaeger", "mesh.jaeger", 16686)
OTLP_ENDPOINT = "http://127.0.0.1:4318"
PORTS = (4317, 4318, 16686)


def binary() -> Path:
    path = subprocess.run(
        [str(REPO_ROOT / "scripts" / "jaeger.sh"), "--path"], capture_output=True, text=True, check=True
    )
    return Path(path.stdout.strip())


def _answering(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _say(message: str) -> None:
    print(f"[mesh] {message}", file=sys.stderr, flush=True)


def up() -> int:
    if supervisor.running_pid(SPEC):
        print(OTLP_ENDPOINT)
        return 0
    if not binary().exists():
        _say("jaeger is not built (`make jaeger`, 7 to 12 minutes, once); spans go to .run/traces only")
        return 0
    if busy := [port for port in PORTS if _answering(port)]:
        _say(f"something else answers on {busy}; not starting jaeger")
        return 0
    supervisor.start(SPEC)
    _say(f"jaeger: OTLP {OTLP_ENDPOINT}, API http://127.0.0.1:16686/api/traces/<trace id>")
    print(OTLP_ENDPOINT)
    return 0


def down() -> int:
    if supervisor.stop(SPEC):
        _say("stopped jaeger")
    return 0


def run() -> int:
    return subprocess.run([str(binary())], check=False).returncode


def main(argv: list[str]) -> int:
    commands = {"up": up, "down": down, "run": run}
    if len(argv) > 1 or (argv and argv[0] not in commands):
        print("usage: python -m mesh.jaeger [up|down|run]", file=sys.stderr)
        return 2
    return commands[argv[0] if argv else "run"]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
