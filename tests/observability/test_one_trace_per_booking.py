"""One booking through the gateway is one trace: gateway, booking, cinema over gRPC, payment, the
outbox relay's publish and the notification worker's consume, each under the hop that caused it."""

import time

import pytest

from mesh import trace as mesh_trace
from tests.observability.conftest import book

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
CONFIRM = "/cinema.v1.SeatInventoryService/ConfirmSeats"
HOLD = "/cinema.v1.SeatInventoryService/HoldSeats"


def spans_of(mesh, trace_id: str, until, timeout: float = 30.0) -> list[mesh_trace.Span]:
    """The trace's spans once ``until(spans)`` holds (spans are written every 200 ms, events later)."""
    deadline = time.monotonic() + timeout
    while True:
        spans = [s for s in mesh_trace.load_spans(mesh.trace_dir) if s.trace_id == trace_id]
        if until(spans) or time.monotonic() > deadline:
            return spans
        time.sleep(0.25)


def chain(span: mesh_trace.Span, by_id: dict[str, mesh_trace.Span]) -> list[mesh_trace.Span]:
    """``span`` and its ancestors up to the trace's root, nearest first."""
    found = [span]
    while found[-1].parent_id in by_id:
        found.append(by_id[found[-1].parent_id])
    return found


def one(spans, service: str, kind: str, name: str) -> mesh_trace.Span:
    matching = [s for s in spans if (s.service, s.kind, s.name) == (service, kind, name)]
    assert len(matching) == 1, (service, kind, name, [(s.service, s.kind, s.name) for s in spans])
    return matching[0]


async def test_one_booking_is_one_trace_in_causal_order(mesh, capsys):
    booked = await book(mesh.gateway_url)

    def complete(spans) -> bool:
        return any(s.service == "notification" and s.name == "process booking.confirmed" for s in spans)

    spans = spans_of(mesh, booked.trace_id, complete)
    by_id = {span.span_id: span for span in spans}
    services = {span.service for span in spans}
    assert {"gateway", "booking", "cinema", "payment", "notification"} <= services, services

    consume = one(spans, "notification", "consumer", "process booking.confirmed")
    path = chain(consume, by_id)
    names = [(s.service, s.kind, s.name) for s in path]
    # notification <- relay's publish <- the confirmBooking request in booking <- the gateway
    assert names[1] == ("booking", "producer", "publish booking.confirmed"), names
    assert ("booking", "server", "POST /graphql confirmBooking") in names, names
    assert names[-1][0:2] == ("gateway", "server") and names[-1][2].startswith("POST "), names
    confirm_request = next(s for s in path if s.service == "booking" and s.kind == "server")
    resolver = next(s for s in path if s.service == "booking" and s.name == "confirmBooking")
    assert resolver.attributes["graphql.operation.type"] == "mutation"  # the root field's resolver span
    assert resolver.parent_id == confirm_request.span_id
    assert confirm_request.attributes["cinemesh.correlation_id"] == booked.correlation_id
    assert consume.attributes["cinemesh.correlation_id"] == booked.correlation_id

    # the gRPC hops: booking's client span, cinema's server span under it, its SQL under that
    for method in (HOLD, CONFIRM):
        server = one(spans, "cinema", "server", method)
        client = by_id[server.parent_id]
        assert (client.service, client.kind, client.name) == ("booking", "client", method)
        sql = [s for s in spans if s.parent_id == server.span_id and "db.statement" in s.attributes]
        assert sql and all(s.service == "cinema" for s in sql), method
    grpc_confirm = one(spans, "cinema", "server", CONFIRM)
    assert confirm_request in chain(grpc_confirm, by_id)

    # payment's charge is an httpx call from the same confirm request
    charge = next(s for s in spans if s.service == "payment" and s.kind == "server")
    assert charge.name.startswith("POST ") and "payment" in charge.name, charge.name
    assert confirm_request in chain(charge, by_id)
    assert any(s.service == "payment" and s.kind == "client" for s in spans), "no MongoDB span in payment"

    # children start after their parents; within a process, synchronous ones also end before them
    for span in spans:
        parent = by_id.get(span.parent_id or "")
        if parent is not None:
            assert span.start_ns >= parent.start_ns, (span.name, parent.name)
            if span.service == parent.service and span.kind not in ("producer", "consumer"):
                assert span.end_ns <= parent.end_ns, (span.name, parent.name)

    assert mesh_trace.main(booked.correlation_id, mesh.trace_dir) == 0
    printed = capsys.readouterr().out
    assert booked.trace_id in printed and "process booking.confirmed" in printed
    (mesh.trace_dir.parent / "last-booking-trace.txt").write_text(printed)
