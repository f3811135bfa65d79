"""``python -m bench [name ...]``: run the benchmarks in this package (all of them by default).

A benchmark whose module sets ``NEEDS_MESH`` runs on the one mesh this command starts for them on
bench stores and stops afterwards (bench/_mesh.py: it refuses to start if anything answers on the
mesh's ports). Each benchmark prints its figures beside a baseline from the same run; the run also
writes them to bench/RESULTS.md under a header describing the machine and naming any benchmark
left out.
"""

import asyncio
import contextlib
import importlib
import inspect
import io
import os
import pkgutil
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench._mesh import owned_mesh

RESULTS = Path(__file__).parent / "RESULTS.md"


def benchmark_names() -> list[str]:
    return sorted(
        m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_")
    )


class Tee(io.StringIO):
    """Keeps what is printed and passes it on to the terminal as it comes."""

    def write(self, text: str) -> int:
        sys.__stdout__.write(text)
        sys.__stdout__.flush()
        return super().write(text)


def run(name: str) -> str:
    print(f"== bench.{name}", flush=True)
    entry = importlib.import_module(f"bench.{name}").main
    started = time.monotonic()
    with contextlib.redirect_stdout(Tee()) as out:
        result = entry()
        if inspect.isawaitable(result):
            asyncio.run(result)
    return f"{out.getvalue().rstrip()}\n\n({time.monotonic() - started:.0f} s)"


def machine() -> list[str]:
    memory = next(
        line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout
    return [
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {commit.strip() or '?'}",
        f"- machine: {os.cpu_count()} CPUs (nproc), {int(memory.split()[1]) // 1024} MiB memory, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}",
        "- load average (1, 5, 15 min) before the run: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()),
    ]


def write_results(header: list[str], sections: dict[str, str], markdown: set[str]) -> None:
    left_out = [name for name in benchmark_names() if name not in sections]
    if left_out:
        header.append("- not run this time: " + ", ".join(f"bench.{name}" for name in left_out))
    lines = ["# CineMesh benchmarks (`make bench`)", "", *header, ""]
    for name, text in sections.items():
        lines += [f"## bench.{name}", "", text if name in markdown else f"```\n{text}\n```", ""]
    RESULTS.write_text("\n".join(lines))
    print(f"figures written to {RESULTS}", flush=True)


def main(names: list[str]) -> None:
    header = machine()
    modules = {name: importlib.import_module(f"bench.{name}") for name in names or benchmark_names()}
    on_mesh = [name for name, module in modules.items() if getattr(module, "NEEDS_MESH", False)]
    sections = {name: run(name) for name in modules if name not in on_mesh}
    if on_mesh:
        with owned_mesh():
            sections |= {name: run(name) for name in on_mesh}
    header.append("- load average after the run: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    markdown = {name for name, module in modules.items() if getattr(module, "MARKDOWN", False)}
    write_results(header, {name: sections[name] for name in modules}, markdown)


if __name__ == "__main__":
    main(sys.argv[1:])
