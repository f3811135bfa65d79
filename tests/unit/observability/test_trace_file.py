"""Spans written as OTLP JSON lines by one process each, read back as one tree by ``mesh trace``."""

import json
import threading

import pytest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind

from handlers.common.telemetry.exporter import JsonLinesExporter
from handlers.common.telemetry.propagation import CORRELATION_ATTRIBUTE, carrier, context_of
from mesh import trace as mesh_trace

pytestmark = pytest.mark.unit


def process(directory, service: str) -> TracerProvider:
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(SimpleSpanProcessor(JsonLinesExporter(directory / f"{service}.jsonl")))
    return provider


def test_a_trace_across_processes_is_one_tree_in_causal_order(tmp_path):
    gateway, booking = process(tmp_path, "gateway"), process(tmp_path, "booking")
    with gateway.get_tracer("t").start_as_current_span(
        "POST booking-graphql", kind=SpanKind.SERVER, attributes={CORRELATION_ATTRIBUTE: "c-1"}
    ) as root:
        sent = carrier()
    request = booking.get_tracer("t").start_as_current_span(
        "POST /graphql", context_of(sent), SpanKind.SERVER
    )
    with request, booking.get_tracer("t").start_as_current_span("find", kind=SpanKind.CLIENT):
        pass
    unrelated = gateway.get_tracer("t").start_span("GET /health")
    unrelated.end()

    line = json.loads((tmp_path / "gateway.jsonl").read_text().splitlines()[0])
    encoded = line["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    assert encoded["traceId"] == f"{root.context.trace_id:032x}"  # hex, as OTLP/JSON writes ids
    assert encoded["kind"] == 2 and encoded["startTimeUnixNano"].isdigit()

    spans = mesh_trace.load_spans(tmp_path)
    trace_id = f"{root.context.trace_id:032x}"
    assert mesh_trace.trace_ids_for(spans, "c-1") == [trace_id]
    assert mesh_trace.trace_ids_for(spans, trace_id.upper()) == [trace_id]
    (top,) = mesh_trace.tree(spans, trace_id)
    assert (top.service, top.name) == ("gateway", "POST booking-graphql")
    (child,) = top.children
    assert (child.service, child.name) == ("booking", "POST /graphql")
    assert [grandchild.name for grandchild in child.children] == ["find"]
    lines = mesh_trace.render([top])
    assert lines[0].startswith(f"trace {trace_id}: 3 spans") and "booking, gateway" in lines[0]
    assert [line.split("  ")[-1].strip() for line in lines[2:]] == [
        "POST booking-graphql (server)",
        "└─ POST /graphql (server)",
        "└─ find (client)",
    ]


def test_the_command_finds_a_trace_by_correlation_id_and_says_when_there_is_none(tmp_path, capsys):
    provider = process(tmp_path, "cinema")
    with provider.get_tracer("t").start_as_current_span("x", attributes={CORRELATION_ATTRIBUTE: "demo-1"}):
        pass
    assert mesh_trace.main("demo-1", tmp_path) == 0
    assert "cinema" in capsys.readouterr().out
    assert mesh_trace.main("demo-2", tmp_path) == 1
    assert "no trace for 'demo-2'" in capsys.readouterr().out


def test_concurrent_exports_write_whole_lines_and_a_cut_line_is_skipped(tmp_path):
    provider = process(tmp_path, "payment")
    tracer = provider.get_tracer("t")

    def burst() -> None:
        for _ in range(50):
            tracer.start_span("charge", attributes={"payload": "x" * 2000}).end()

    threads = [threading.Thread(target=burst) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with (tmp_path / "payment.jsonl").open("a") as file:
        file.write('{"resourceSpans": [{"resource"')  # a process killed mid-write
    assert len(mesh_trace.load_spans(tmp_path)) == 200


def test_a_full_file_is_moved_aside_and_still_read(tmp_path):
    exporter = JsonLinesExporter(tmp_path / "user.jsonl", max_bytes=1024)
    provider = TracerProvider(resource=Resource.create({"service.name": "user"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    for _ in range(10):
        provider.get_tracer("t").start_span("register", attributes={"pad": "y" * 300}).end()
    assert (tmp_path / "user.jsonl.1").exists()
    assert 0 < len(mesh_trace.load_spans(tmp_path)) <= 10
