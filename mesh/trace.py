"""``python -m mesh trace <trace id | correlation id>``: a trace's span tree with timings, read from the
OTLP JSON lines the processes write under ``.run/traces/`` (``CINEMESH_TRACING=on``, as ``make up`` runs).

A hex trace id prints that trace; anything else is taken as a correlation id and prints every trace
with a span carrying it (``cinemesh.correlation_id``). Each line: start offset from the trace's first
span, duration, service, span name, and what says most about it (status, route, status code).
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handlers.common.telemetry.propagation import CORRELATION_ATTRIBUTE
from handlers.common.telemetry.settings import TelemetrySettings

KINDS = {1: "internal", 2: "server", 3: "client", 4: "producer", 5: "consumer"}
SHOWN = (
    "http.url",
    "url.full",
    "http.response.status_code",
    "rpc.grpc.status_code",
    "db.statement",
    "cinemesh.outcome",
)
LONGEST = 70  # characters of an attribute shown (SQL is cut, on one line)


@dataclass
class Span:
    trace_id: str
    span_id: str
    parent_id: str | None
    name: str
    kind: str
    service: str
    start_ns: int
    end_ns: int
    attributes: dict[str, Any]
    error: bool
    children: list["Span"] = field(default_factory=list)

    @property
    def duration_ms(self) -> float:
        return (self.end_ns - self.start_ns) / 1e6


def _value(any_value: dict[str, Any]) -> Any:
    for key in ("stringValue", "boolValue", "doubleValue"):
        if key in any_value:
            return any_value[key]
    if "intValue" in any_value:
        return int(any_value["intValue"])
    if "arrayValue" in any_value:
        return [_value(v) for v in any_value["arrayValue"].get("values", [])]
    return None


def _attributes(items: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {item["key"]: _value(item.get("value", {})) for item in items}


def parse_line(line: str) -> Iterator[Span]:
    """The spans of one OTLP JSON ``ExportTraceServiceRequest``."""
    request = json.loads(line)
    for resource_spans in request.get("resourceSpans", []):
        resource = _attributes(resource_spans.get("resource", {}).get("attributes", []))
        service = str(resource.get("service.name", "?"))
        for scope_spans in resource_spans.get("scopeSpans", []):
            for raw in scope_spans.get("spans", []):
                yield Span(
                    trace_id=raw["traceId"],
                    span_id=raw["spanId"],
                    parent_id=raw.get("parentSpanId") or None,
                    name=raw["name"],
                    kind=KINDS.get(raw.get("kind", 0), "unspecified"),
                    service=service,
                    start_ns=int(raw["startTimeUnixNano"]),
                    end_ns=int(raw["endTimeUnixNano"]),
                    attributes=_attributes(raw.get("attributes", [])),
                    error=raw.get("status", {}).get("code") == 2,
                )


def load_spans(directory: Path) -> list[Span]:
    """Every span in the directory's ``*.jsonl`` files (and their rotated ``.jsonl.1``)."""
    spans: list[Span] = []
    for path in sorted([*directory.glob("*.jsonl"), *directory.glob("*.jsonl.1")]):
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    try:
                        spans.extend(parse_line(line))
                    except (ValueError, KeyError):
                        continue  # a line cut short by a process killed mid-write
    return spans


def is_trace_id(text: str) -> bool:
    return len(text) == 32 and all(c in "0123456789abcdef" for c in text.lower())


def trace_ids_for(spans: Iterable[Span], wanted: str) -> list[str]:
    """The trace ids ``wanted`` names: itself if it is one, else those of spans with that correlation id."""
    if is_trace_id(wanted):
        return [wanted.lower()]
    found: dict[str, int] = {}
    for span in spans:
        if span.attributes.get(CORRELATION_ATTRIBUTE) == wanted:
            found[span.trace_id] = min(found.get(span.trace_id, span.start_ns), span.start_ns)
    return sorted(found, key=found.__getitem__)


def tree(spans: Iterable[Span], trace_id: str) -> list[Span]:
    """The roots of a trace (spans whose parent is not in it), each with its children, by start time."""
    members = {span.span_id: span for span in spans if span.trace_id == trace_id}
    by_parent: dict[str | None, list[Span]] = defaultdict(list)
    for span in members.values():
        span.children = []
        by_parent[span.parent_id if span.parent_id in members else None].append(span)
    for span in members.values():
        span.children = sorted(by_parent.get(span.span_id, []), key=lambda s: s.start_ns)
    return sorted(by_parent.get(None, []), key=lambda s: s.start_ns)


def _short(value: Any) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"


def _detail(span: Span) -> str:
    shown = [
        f"{key.rsplit('.', 1)[-1]}={_short(span.attributes[key])}" for key in SHOWN if key in span.attributes
    ]
    if span.error:
        shown.append("ERROR")
    return ("  " + " ".join(shown)) if shown else ""


def render(roots: list[Span]) -> list[str]:
    if not roots:
        return []
    everything = list(_walk(roots))
    start = min(span.start_ns for span, _ in everything)
    end = max(span.end_ns for span, _ in everything)
    services = sorted({span.service for span, _ in everything})
    lines = [
        f"trace {roots[0].trace_id}: {len(everything)} spans, {(end - start) / 1e6:.1f} ms,"
        f" services {', '.join(services)}",
        f"{'start ms':>9} {'took ms':>9}  {'service':<13} span",
    ]
    for span, prefix in everything:
        offset = (span.start_ns - start) / 1e6
        label = f"{prefix}{span.name} ({span.kind}){_detail(span)}"
        lines.append(f"{offset:>9.1f} {span.duration_ms:>9.1f}  {span.service:<13} {label}")
    return lines


def _walk(spans: list[Span], indent: str = "", root: bool = True) -> Iterator[tuple[Span, str]]:
    for index, span in enumerate(spans):
        last = index == len(spans) - 1
        yield span, "" if root else indent + ("└─ " if last else "├─ ")
        yield from _walk(span.children, "" if root else indent + ("   " if last else "│  "), False)


def main(wanted: str, directory: Path | None = None) -> int:
    directory = directory or TelemetrySettings().trace_dir
    spans = load_spans(directory)
    trace_ids = trace_ids_for(spans, wanted)
    printed = 0
    for trace_id in trace_ids:
        lines = render(tree(spans, trace_id))
        if lines:
            print("\n".join(lines) + "\n", flush=True)
            printed += 1
    if not printed:
        print(
            f"no trace for {wanted!r} in {directory} ({len(spans)} spans read);"
            " is the mesh traced (CINEMESH_TRACING=on, as `make up` runs it)?"
        )
        return 1
    return 0
