"""The process's tracer provider and library instrumentation (see the package docstring)."""

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

from handlers.common.telemetry.exporter import JsonLinesExporter
from handlers.common.telemetry.settings import TelemetrySettings

INSTRUMENTATION = "cinemesh"
_NO_OP = trace.NoOpTracer()
_state: dict[str, trace.Tracer] = {}  # the tracer of the provider this process installed, if tracing


def enabled() -> bool:
    return "tracer" in _state


def tracer() -> trace.Tracer:
    """CineMesh's own tracer (a no-op one while tracing is off)."""
    return _state.get("tracer", _NO_OP)


def trace_with(provider: TracerProvider | None) -> None:
    """Make ``provider``'s tracer CineMesh's (None: tracing off). ``setup`` does it once per process;
    tests use it with a provider of their own."""
    if provider is None:
        _state.pop("tracer", None)
    else:
        _state["tracer"] = provider.get_tracer(INSTRUMENTATION)


def setup(service: str, settings: TelemetrySettings | None = None) -> bool:
    """Trace this process as ``service`` if ``CINEMESH_TRACING=on``; returns whether it does. Idempotent."""
    if enabled():
        return True
    settings = settings or TelemetrySettings()
    if settings.tracing != "on":
        return False
    provider = TracerProvider(
        resource=Resource.create({"service.name": service}),
        sampler=ParentBased(TraceIdRatioBased(settings.trace_sample_ratio)),
    )
    delay = settings.trace_flush_ms
    if settings.trace_files:
        exporter = JsonLinesExporter(settings.trace_dir / f"{service}.jsonl", settings.trace_file_max_bytes)
        provider.add_span_processor(BatchSpanProcessor(exporter, schedule_delay_millis=delay))
    if settings.otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        otlp = OTLPSpanExporter(endpoint=f"{settings.otlp_endpoint.rstrip('/')}/v1/traces")
        provider.add_span_processor(BatchSpanProcessor(otlp, schedule_delay_millis=delay))
    trace.set_tracer_provider(provider)
    trace_with(provider)
    _instrument_libraries()
    return True


def _instrument_libraries() -> None:
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.pymongo import PymongoInstrumentor

    from handlers.common.telemetry.httpx_hooks import on_request

    HTTPXClientInstrumentor().instrument(async_request_hook=on_request)
    AsyncPGInstrumentor().instrument()
    PymongoInstrumentor().instrument()
