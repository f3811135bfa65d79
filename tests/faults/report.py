"""A run's report: the workload, the fault window, counts, and every invariant with its result.

Written to ``.run/faults/reports/<test>.txt`` (one file per run, the latest kept) with one line per
run appended to ``.run/faults/reports/runs.tsv``; a failing test prints it.
"""

import time
from collections import Counter
from dataclasses import dataclass, field

from tests.faults.cluster import FAULTS_DIR
from tests.faults.invariants import Observed, Window, error_phases

REPORTS = FAULTS_DIR / "reports"
SHOWN_PER_INVARIANT = 12


@dataclass
class Report:
    name: str
    fault: str
    workload: str
    observed: Observed
    results: dict[str, list[str]]
    workload_seconds: float
    settle_seconds: float
    unsettled: list[str] = field(default_factory=list)
    settling: list[str] = field(default_factory=list)  # what was in motion while settling, as it changed

    @property
    def passed(self) -> bool:
        return not self.unsettled and not any(self.results.values())

    def counts(self) -> dict[str, int]:
        s, h = self.observed.snapshot, self.observed.history
        final = Counter(booking["status"] for booking in s.bookings)
        ever = sum(any(step["status"] == "CONFIRMED" for step in b.get("history") or []) for b in s.bookings)
        told = Counter(attempt.told for attempt in h.attempts)
        refunds = [entry for entry in s.refunds if entry.get("status", "succeeded") == "succeeded"]
        return {
            "attempts": len(h.attempts),
            "bookings": len(s.bookings),
            "confirmed": ever,
            "still confirmed": final["CONFIRMED"],
            "declined": final["PAYMENT_FAILED"],
            "cancelled": final["CANCELLED"],
            "expired": final["EXPIRED"],
            "refunded": len(refunds),
            "seats taken": told["SEATS_UNAVAILABLE"],
            "calls": len(h.calls),
            "errors": len(h.errors()),
            "events": len(s.events()),
            "notifications": len(s.notifications),
        }

    def errors_by_kind(self) -> Counter:
        return Counter(
            f"{phase}: {call.op} {call.kind} {call.status or ''}".strip()
            for call, phase in error_phases(self.observed)
        )

    def render(self) -> str:
        windows = "; ".join(_window(w) for w in self.observed.windows) or "none"
        counts = ", ".join(f"{name} {value}" for name, value in self.counts().items())
        lines = [
            f"fault run {self.name}: {'PASS' if self.passed else 'FAIL'}",
            f"workload: {self.workload}",
            f"fault: {self.fault}",
            f"fault window: {windows}",
            f"workload ran {self.workload_seconds:.1f}s; settled in {self.settle_seconds:.1f}s"
            + (f" -- NOT SETTLED: {'; '.join(self.unsettled)}" if self.unsettled else ""),
            f"settling: {' | '.join(self.settling)}",
            f"counts: {counts}",
            f"errors by phase and kind: {dict(self.errors_by_kind()) or 'none'}",
            "invariants:",
        ]
        for invariant, violations in self.results.items():
            lines.append(f"  [{'ok' if not violations else 'VIOLATED'}] {invariant}")
            lines += [f"      - {v}" for v in violations[:SHOWN_PER_INVARIANT]]
            if len(violations) > SHOWN_PER_INVARIANT:
                lines.append(f"      ... and {len(violations) - SHOWN_PER_INVARIANT} more")
        return "\n".join(lines)

    def save(self) -> str:
        REPORTS.mkdir(parents=True, exist_ok=True)
        text = self.render()
        (REPORTS / f"{self.name}.txt").write_text(text + "\n", encoding="utf-8")
        c = self.counts()
        row = [
            time.strftime("%Y-%m-%d %H:%M:%S"),
            self.name,
            "PASS" if self.passed else "FAIL",
            *(
                str(c[k])
                for k in ("attempts", "confirmed", "declined", "cancelled", "expired", "refunded", "errors")
            ),
            f"{self.workload_seconds:.1f}",
            f"{self.settle_seconds:.1f}",
            str(sum(1 for v in self.results.values() if not v)) + f"/{len(self.results)}",
        ]
        with (REPORTS / "runs.tsv").open("a", encoding="utf-8") as runs:
            runs.write("\t".join(row) + "\n")
        return text


def _window(window: Window) -> str:
    lasted = window.healed - window.start
    return f"{window.name} from {window.start:.1f}s to {window.healed:.1f}s ({lasted:.1f}s)"
