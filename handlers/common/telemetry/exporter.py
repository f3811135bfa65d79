"""Finished spans as OTLP JSON lines (the OpenTelemetry protocol's JSON encoding), one file per process.

Each export appends one line, an ``ExportTraceServiceRequest`` (``{"resourceSpans": [...]}``) as the
OTLP/HTTP JSON encoding writes it: ids in hex, times as strings of nanoseconds, attributes as typed
``AnyValue``s. The collector's ``otlpjsonfile`` receiver reads such files; ``python -m mesh trace``
prints a trace from them. One writer per file (this process), so appends never interleave; past
``max_bytes`` the file is moved aside to ``<name>.1``.
"""

import json
import os
import threading
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.trace import StatusCode


def any_value(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, list | tuple):
        return {"arrayValue": {"values": [any_value(item) for item in value]}}
    return {"stringValue": str(value)}


def key_values(attributes: Any) -> list[dict[str, Any]]:
    return [{"key": key, "value": any_value(value)} for key, value in (attributes or {}).items()]


def encode_span(span: ReadableSpan) -> dict[str, Any]:
    context = span.get_span_context()
    assert context is not None
    encoded: dict[str, Any] = {
        "traceId": f"{context.trace_id:032x}",
        "spanId": f"{context.span_id:016x}",
        "name": span.name,
        "kind": span.kind.value + 1,  # OTLP: 1 internal, 2 server, 3 client, 4 producer, 5 consumer
        "startTimeUnixNano": str(span.start_time),
        "endTimeUnixNano": str(span.end_time),
        "attributes": key_values(span.attributes),
        "status": {
            "code": {StatusCode.UNSET: 0, StatusCode.OK: 1, StatusCode.ERROR: 2}[span.status.status_code]
        },
    }
    if span.parent is not None:
        encoded["parentSpanId"] = f"{span.parent.span_id:016x}"
    if span.status.description:
        encoded["status"]["message"] = span.status.description
    if span.events:
        encoded["events"] = [
            {
                "name": event.name,
                "timeUnixNano": str(event.timestamp),
                "attributes": key_values(event.attributes),
            }
            for event in span.events
        ]
    return encoded


def encode(spans: Sequence[ReadableSpan]) -> dict[str, Any]:
    """One ``ExportTraceServiceRequest``: spans grouped by resource, then by instrumentation scope."""
    grouped: dict[Any, dict[Any, list[ReadableSpan]]] = defaultdict(lambda: defaultdict(list))
    for span in spans:
        grouped[span.resource][span.instrumentation_scope].append(span)
    return {
        "resourceSpans": [
            {
                "resource": {"attributes": key_values(resource.attributes)},
                "scopeSpans": [
                    {
                        "scope": {
                            "name": scope.name if scope else "",
                            "version": (scope.version or "") if scope else "",
                        },
                        "spans": [encode_span(span) for span in scope_spans],
                    }
                    for scope, scope_spans in by_scope.items()
                ],
            }
            for resource, by_scope in grouped.items()
        ]
    }


class JsonLinesExporter(SpanExporter):
    def __init__(self, path: Path, max_bytes: int = 64 * 1024 * 1024):
        self.path, self.max_bytes = path, max_bytes
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        line = (json.dumps(encode(spans), separators=(",", ":")) + "\n").encode()
        try:
            with self._lock:
                self._rotate_if_full()
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    os.write(fd, line)
                finally:
                    os.close(fd)
        except OSError:
            return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS

    def _rotate_if_full(self) -> None:
        try:
            if self.path.stat().st_size >= self.max_bytes:
                self.path.replace(self.path.with_name(self.path.name + ".1"))
        except FileNotFoundError:
            pass

    def shutdown(self) -> None:
        return None
