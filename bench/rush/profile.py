"""Where a booking's CPU goes: ``python -m bench.rush.profile``, the profile behind issue 11's named limit.

On the bench's own mesh (bench/_mesh.py), 50 users book through the gateway in the closed loop of
``bench.rush`` while py-spy samples each Python process of the mesh (100 samples/s, only threads on
the CPU; ``--nonblocking``, so the services are never paused; its own CPU counts as the load
generator's) for the measured window. Written to
``bench/PROFILE.md``: the CPU of every process over the window, then for each profiled service its
samples by the package running on the CPU (the leaf frame's: ``pymongo``, ``bson``, ``graphql``,
the service's own ``handlers``...) and its busiest functions; and FerretDB's own CPU profile over
the same window (Go's net/http/pprof, which ``scripts/infra.sh`` serves on
``CINEMESH_FERRETDB_PPROF``, read with ``go tool pprof``: the functions on the CPU, then by
cumulative time). Not part of ``make bench``: it measures where time goes, not how fast the mesh is.

    python -m bench.rush.profile            # 20 s window
    RUSH_PROFILE_SECONDS=40 python -m bench.rush.profile
"""

import asyncio
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

from bench._mesh import STATE_DIR, owned_mesh
from bench.rush.loop import closed_loop, through_the_gateway
from bench.rush.report import cpu_table
from mesh import supervisor
from mesh.processes import by_name

USERS = 50
SECONDS = float(os.environ.get("RUSH_PROFILE_SECONDS", "20"))
WARM_UP = 3.0
PROFILED = ("booking", "payment", "cinema", "gateway", "notification")
OUT = Path(__file__).parent.parent / "PROFILE.md"
RAW_DIR = STATE_DIR / "profile"
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")
SHOWN = 12
FERRETDB_PPROF = os.environ.get("CINEMESH_FERRETDB_PPROF", "127.0.0.1:6060")


def package_of(file: str) -> str:
    """The top-level package (or module) of a frame's file. py-spy writes the path relative to its
    ``sys.path`` entry: ``pymongo/network_layer.py``, ``asyncio/tasks.py``, ``handlers/booking/app.py``."""
    parts = Path(file).parts
    if "site-packages" in parts:
        parts = parts[parts.index("site-packages") + 1 :]
    return parts[0].removesuffix(".py") if parts else file


def leaves(raw: Path) -> Counter[tuple[str, str]]:
    """(function, file) of the frame on the CPU, with its sample count, from py-spy's raw output."""
    counts: Counter[tuple[str, str]] = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        match = FRAME.match(stack.rsplit(";", 1)[-1])
        if match and count.isdigit():
            counts[(match["function"], match["file"])] += int(count)
    return counts


def section(name: str, counts: Counter[tuple[str, str]]) -> list[str]:
    total = sum(counts.values()) or 1
    packages: Counter[str] = Counter()
    for (_, file), count in counts.items():
        packages[package_of(file)] += count
    lines = [f"### {name}: {sum(counts.values())} samples on the CPU", ""]
    lines.append(
        "by package: " + ", ".join(f"{pkg} {100 * n / total:.0f} %" for pkg, n in packages.most_common(SHOWN))
    )
    lines += ["", "| function | file | share |", "|---|---|---|"]
    for (function, file), count in counts.most_common(SHOWN):
        short = "/".join(Path(file).parts[-2:])
        lines.append(f"| `{function}` | {short} | {100 * count / total:.1f} % |")
    return [*lines, ""]


async def record(name: str, seconds: float) -> Path:
    pid = supervisor.running_pid(by_name(name))
    if pid is None:
        raise SystemExit(f"profile: {name} is not running")
    out = RAW_DIR / f"{name}.txt"
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "py-spy"),
        *("record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "100"),
        *("--format", "raw", "--nonblocking", "--output", str(out)),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    if await process.wait() != 0:
        raise SystemExit(f"profile: py-spy could not sample {name} (pid {pid})")
    return out


async def ferretdb_profile(seconds: float) -> Path | str:
    """FerretDB's CPU profile over the next ``seconds``: its file, or why there is none."""
    url = f"http://{FERRETDB_PPROF}/debug/pprof/profile"
    try:
        async with httpx.AsyncClient(timeout=seconds + 30) as client:
            answer = await client.get(url, params={"seconds": int(seconds)})
            answer.raise_for_status()
    except httpx.HTTPError as exc:
        return f"FerretDB's profiler did not answer at {url} ({exc!r}): start it with scripts/infra.sh"
    raw = RAW_DIR / "ferretdb.pprof"
    raw.write_bytes(answer.content)
    return raw


def pprof_tops(profile: Path | str) -> list[str]:
    if isinstance(profile, str):
        return [profile]
    lines = []
    for order in ([], ["-cum"]):
        command = ["go", "tool", "pprof", "-top", f"-nodecount={SHOWN + 3}", *order, str(profile)]
        text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        lines += ["```", text.rstrip(), "```", ""]
    return lines


async def profile() -> tuple[list[str], Path | str]:
    shutil.rmtree(RAW_DIR, ignore_errors=True)
    RAW_DIR.mkdir(parents=True)
    async with through_the_gateway(USERS) as (clients, gateway, supply):
        loop = asyncio.create_task(closed_loop(clients, gateway, supply, SECONDS, WARM_UP))
        await asyncio.sleep(WARM_UP)
        ferretdb = asyncio.create_task(ferretdb_profile(SECONDS))
        raws = await asyncio.gather(*(record(name, SECONDS) for name in PROFILED))
        samples, used = await loop
    rate = samples.confirmed / SECONDS
    lines = [
        "# Where a booking's CPU goes (`python -m bench.rush.profile`)",
        "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {os.cpu_count()} CPUs; "
        f"load average after the window: {', '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"- {USERS} users through the gateway for {SECONDS:.0f} s: {rate:.1f} confirmed bookings/s",
        "",
        "## CPU per process over the window",
        "",
        *cpu_table([(f"{USERS} users, gateway", used)]),
        "",
        f"CPU per confirmed booking, whole mesh: {10 * sum(used.values()) / max(rate, 0.01):.0f} ms",
        "",
        "## Each service on the CPU (py-spy, leaf frames)",
        "",
    ]
    for name, raw in zip(PROFILED, raws, strict=True):
        lines += section(name, leaves(raw))
    lines += ["## FerretDB on the CPU (Go pprof, by own time, then cumulative)", ""]
    return lines, await ferretdb


def main() -> None:
    with owned_mesh():
        lines, ferretdb = asyncio.run(profile())
    text = "\n".join([*lines, *pprof_tops(ferretdb)])
    OUT.write_text(text + "\n")
    print(text)
    print(f"written to {OUT}")


if __name__ == "__main__":
    main()
