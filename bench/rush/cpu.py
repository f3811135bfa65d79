"""CPU time per process of the mesh, read from /proc (Linux, as the supervisor itself).

The mesh's processes are found by their pid files (``mesh.supervisor.running_pid``), the
infrastructure by the port it listens on (PostgreSQL counts with its backends, i.e. the whole
process tree under the listener), and the load generator is this process.
"""

import os
from pathlib import Path

from mesh import supervisor
from mesh.processes import ALL

TICKS = os.sysconf("SC_CLK_TCK")
INFRA_PORTS = {"postgresql": 5432, "ferretdb (mongo wire)": 27017, "redis": 6379, "rabbitmq": 5672}


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of ``pid``, with those of its children that exited (cutime, cstime:
    a PostgreSQL backend that ends between two snapshots still counts, under its postmaster)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return int(fields[1]), sum(int(ticks) for ticks in fields[11:15]) / TICKS


def _listener(port: int) -> int | None:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            parts = line.split()
            if parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{parts[9]}]")
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if any(os.readlink(fd) in inodes for fd in (proc / "fd").iterdir()):
                    return int(proc.name)
            except (FileNotFoundError, PermissionError, ProcessLookupError):
                continue
    return None


def processes() -> dict[str, int]:
    """Name -> pid of every process worth watching that runs now."""
    found = {spec.name: supervisor.running_pid(spec) for spec in ALL}
    found |= {name: _listener(port) for name, port in INFRA_PORTS.items()}
    found["load generator"] = os.getpid()
    return {name: pid for name, pid in found.items() if pid}


def snapshot(roots: dict[str, int]) -> dict[str, float]:
    """CPU seconds so far of each root's process tree."""
    stats = {int(p.name): _stat(int(p.name)) for p in Path("/proc").iterdir() if p.name.isdigit()}
    children: dict[int, list[int]] = {}
    for pid, stat in stats.items():
        if stat:
            children.setdefault(stat[0], []).append(pid)

    def tree(pid: int) -> float:
        own = stats.get(pid)
        return (own[1] if own else 0.0) + sum(tree(child) for child in children.get(pid, []))

    return {name: tree(pid) for name, pid in roots.items()}


def usage(before: dict[str, float], after: dict[str, float], seconds: float) -> dict[str, float]:
    """Percent of one core each process used between two snapshots."""
    return {name: 100 * (after[name] - before.get(name, 0.0)) / seconds for name in after}
