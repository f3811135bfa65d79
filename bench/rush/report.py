"""The rush's figures as Markdown: each run beside its baseline, CPU per process, goals of issue 11."""

from collections import Counter

from bench.rush.loop import SEATS_TAKEN, Samples
from bench.rush.race import RaceResult

STEPS = ("whole booking", "create", "confirm", "seat map")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def spread(values: list[float]) -> str:
    return " / ".join(f"{percentile(values, q):.0f}" for q in (0.50, 0.95, 0.99))


def errors(counts: Counter) -> str:
    return ", ".join(f"{kind}: {n}" for kind, n in counts.most_common()) or "none"


def loop_table(rows: list[tuple[int, str, Samples, float]]) -> list[str]:
    """``rows``: (users, path, samples, measured seconds)."""
    steps = " | ".join(f"{step} p50/p95/p99 ms" for step in STEPS)
    head = f"| users | path | confirmed/s | {steps} | errors |"
    lines = [head, "|" + "---|" * (len(STEPS) + 4)]
    for users, path, samples, seconds in rows:
        cells = [spread(samples.latencies.get(step, [])) for step in STEPS]
        rate = samples.confirmed / seconds
        lines.append(f"| {users} | {path} | {rate:.1f} | {' | '.join(cells)} | {errors(samples.errors)} |")
    return lines


def cpu_table(columns: list[tuple[str, dict[str, float]]]) -> list[str]:
    names = sorted(
        {name for _, used in columns for name in used}, key=lambda n: -max(u.get(n, 0) for _, u in columns)
    )
    titles = " | ".join(title for title, _ in columns)
    lines = [f"| process | {titles} |", "|" + "---|" * (len(columns) + 1)]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(f"{used.get(name, 0):.0f} %" for _, used in columns) + " |")
    total = " | ".join(f"{sum(used.values()):.0f} %" for _, used in columns)
    return [*lines, f"| **all** (200 % = both cores) | {total} |"]


def race_lines(path: str, result: RaceResult) -> str:
    twice = [seat for seat, n in result.sold.items() if n > 1]
    return (
        f"| {path} | {result.attempts} | {result.winners} | {len(result.sold)} | {len(twice)} | "
        f"{spread(result.hold_ms)} | {errors(result.errors)} |"
    )


def race_table(results: list[tuple[str, RaceResult]]) -> list[str]:
    head = (
        "| path | attempts | winners (confirmed) | seats sold | sold twice "
        "| createBooking p50/p95/p99 ms | outcomes |"
    )
    return [head, "|---|---|---|---|---|---|---|"] + [race_lines(path, r) for path, r in results]


def other_errors(samples: Samples) -> int:
    return sum(n for kind, n in samples.errors.items() if kind != SEATS_TAKEN)
