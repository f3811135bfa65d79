"""Seat inventory calls observed on both sides of the wire: a histogram per method and status code
(refused calls included) and, when tracing, a client span whose context the server continues."""

import uuid
from collections.abc import Iterator

import pytest
from grpclib import GRPCError, Status
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client import REGISTRY

from handlers.cinema.inventory_client import InventoryClient
from handlers.common import telemetry
from handlers.common.correlation import correlation_id_bound

pytestmark = pytest.mark.integration
SERVICE = "/cinema.v1.SeatInventoryService"


def calls(side: str, method: str, code: str) -> float:
    labels = {"method": f"{SERVICE}/{method}", "code": code}
    return REGISTRY.get_sample_value(f"cinemesh_grpc_{side}_handling_seconds_count", labels) or 0.0


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter, provider = InMemorySpanExporter(), TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    telemetry.trace_with(provider)
    try:
        yield exporter
    finally:
        telemetry.trace_with(None)


async def test_calls_are_counted_by_method_and_code_on_both_sides(inventory, inventory_port, make_showtime):
    showtime = await make_showtime()
    before = {
        (side, method, code): calls(side, method, code)
        for side in ("client", "server")
        for method, code in (
            ("HoldSeats", "OK"),
            ("ConfirmSeats", "NOT_FOUND"),
            ("HoldSeats", "UNAUTHENTICATED"),
        )
    }
    await inventory.hold_seats(showtime, ["A-1"], str(uuid.uuid4()))
    with pytest.raises(GRPCError):
        await inventory.confirm_seats(str(uuid.uuid4()), "booking-unknown-hold")
    async with InventoryClient("127.0.0.1", inventory_port, timeout_seconds=10) as anonymous:
        with pytest.raises(GRPCError) as refused:
            await anonymous.hold_seats(showtime, ["A-2"], str(uuid.uuid4()))
    assert refused.value.status is Status.UNAUTHENTICATED
    for key, count in before.items():
        assert calls(*key) == count + 1, key


async def test_the_server_continues_the_clients_span(inventory, make_showtime, spans):
    showtime = await make_showtime()
    with correlation_id_bound("corr-grpc"):
        with telemetry.tracer().start_as_current_span("POST /graphql") as request:
            await inventory.hold_seats(showtime, ["B-1"], str(uuid.uuid4()))
    by_kind = {span.kind: span for span in spans.get_finished_spans() if span.name == f"{SERVICE}/HoldSeats"}
    client, server = by_kind[SpanKind.CLIENT], by_kind[SpanKind.SERVER]
    assert client.parent.span_id == request.context.span_id
    assert server.parent.span_id == client.context.span_id
    assert server.context.trace_id == request.context.trace_id
    assert server.attributes["rpc.method"] == "HoldSeats"
    assert server.attributes["cinemesh.correlation_id"] == "corr-grpc"
    assert server.attributes["rpc.grpc.status_code"] == Status.OK.value
