"""``python -m bench [name ...]``: run the benchmarks in this package (all of them by default)."""

import asyncio
import importlib
import inspect
import pkgutil
import sys
from pathlib import Path


def benchmark_names() -> list[str]:
    return sorted(
        m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_")
    )


def run(name: str) -> None:
    entry = importlib.import_module(f"bench.{name}").main
    result = entry()
    if inspect.isawaitable(result):
        asyncio.run(result)


if __name__ == "__main__":
    for name in sys.argv[1:] or benchmark_names():
        print(f"== bench.{name}", flush=True)
        run(name)
