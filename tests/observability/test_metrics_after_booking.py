"""After one booking every service's /metrics moved: RED by route and gRPC method, and the business
counters (the booking funnel, seats sold, payments by outcome, events published and consumed).
Readiness reports each service's dependencies."""

import time

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.observability.conftest import book

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
CONFIRM = "/cinema.v1.SeatInventoryService/ConfirmSeats"


def scrape(url: str) -> dict[tuple[str, frozenset], float]:
    response = httpx.get(f"{url}/metrics", timeout=10)
    assert response.status_code == 200, url
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def moved(before: dict, after: dict, name: str, **labels: str) -> float:
    key = (name, frozenset(labels.items()))
    return after.get(key, 0.0) - before.get(key, 0.0)


def value(samples: dict, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def moved_soon(url: str, before: dict, name: str, **labels: str) -> float:
    """How far a counter moved, looked at again until it did (relays and consumers work right after
    the request, so a scrape may come first) or 10 s passed."""
    for _ in range(40):
        change = moved(before, scrape(url), name, **labels)
        if change:
            return change
        time.sleep(0.25)
    return 0.0


async def test_every_service_counts_a_booking(mesh):
    urls = {spec.name: spec.url for spec in mesh.services} | {"gateway": mesh.status_url}
    before = {name: scrape(url) for name, url in urls.items()}
    await book(mesh.gateway_url)
    after = {name: scrape(url) for name, url in urls.items()}

    booking, cinema, payment = after["booking"], after["cinema"], after["payment"]
    assert moved(before["booking"], booking, "cinemesh_bookings_total", status="PENDING") == 1
    assert moved(before["booking"], booking, "cinemesh_bookings_total", status="CONFIRMING") == 1
    assert moved(before["booking"], booking, "cinemesh_bookings_total", status="CONFIRMED") == 1
    requests = "cinemesh_http_request_duration_seconds_count"
    for operation in ("createBooking", "confirmBooking"):  # RED per GraphQL operation
        route = f"/graphql {operation}"
        assert moved(before["booking"], booking, requests, route=route, method="POST", status="200") == 1
    grpc_client = "cinemesh_grpc_client_handling_seconds_count"
    assert moved(before["booking"], booking, grpc_client, method=CONFIRM, code="OK") == 1

    assert moved(before["cinema"], cinema, "cinemesh_seats_sold_total") == 2
    grpc_server = "cinemesh_grpc_server_handling_seconds_count"
    assert moved(before["cinema"], cinema, grpc_server, method=CONFIRM, code="OK") == 1
    showtime = dict(route="handlers.cinema.api.showtimes.get", method="GET", status="200")
    assert moved(before["cinema"], cinema, requests, **showtime) >= 1  # per OpenAPI operation
    assert value(cinema, "cinemesh_seat_holds_live") is not None
    assert value(cinema, "cinemesh_db_pool_connections", store="postgresql") is not None
    assert value(booking, "cinemesh_db_pool_connections", store="mongodb") >= 1
    assert value(booking, "cinemesh_db_pool_connections_in_use", store="mongodb") is not None

    assert moved(before["payment"], payment, "cinemesh_payments_total", outcome="succeeded") == 1
    published = "cinemesh_events_published_total"
    for service, event_type in (
        ("payment", "payment.succeeded"),
        ("booking", "booking.confirmed"),
        ("user", "user.registered"),
    ):
        assert moved_soon(urls[service], before[service], published, type=event_type) == 1, event_type
    consumed = dict(type="booking.confirmed", outcome="ok")
    notification_url = urls["notification"]
    assert (
        moved_soon(notification_url, before["notification"], "cinemesh_events_consumed_total", **consumed)
        == 1
    )
    notification = scrape(notification_url)
    assert (
        value(notification, "cinemesh_consumer_queue_messages", queue="notification.booking.confirmed") == 0
    )
    assert value(notification, "cinemesh_consumer_queue_messages", queue="cinemesh.events.dlq") is not None

    outbox = after["booking"]
    assert value(outbox, "cinemesh_outbox_backlog", database="bookings_observability") is not None
    assert (
        value(outbox, "cinemesh_outbox_oldest_pending_age_seconds", database="bookings_observability")
        is not None
    )

    gateway = after["gateway"]
    assert any(
        name == requests and dict(labels).get("route") == "booking-graphql-bearer"
        for (name, labels) in gateway
    ), "the gateway counts requests by its route"


def test_readiness_names_each_dependency_and_liveness_asks_nothing(mesh):
    expected = {
        "user": {"database", "broker", "outbox"},
        "cinema": {"database"},
        "payment": {"database", "broker", "outbox"},
        "booking": {"database", "broker", "outbox"},
        "notification": {"database", "broker", "redis"},
    }
    for spec in mesh.services:
        for _ in range(20):  # a ping slower than its limit on a busy machine reports degraded: ask again
            ready = httpx.get(f"{spec.url}/health/ready", timeout=10)
            if ready.status_code == 200 and ready.json()["status"] == "ok":
                break
            time.sleep(0.5)
        assert ready.status_code == 200, (spec.name, ready.text)
        body = ready.json()
        assert body["status"] == "ok", (spec.name, body)
        assert set(body["checks"]) == expected[spec.name], (spec.name, body)
        assert all(check["ok"] for check in body["checks"].values())
        live = httpx.get(f"{spec.url}/health/live", timeout=10)
        assert live.status_code == 200 and live.json() == {"status": "ok"}
    backlog = httpx.get(f"{mesh.services[3].url}/health/ready", timeout=10).json()["checks"]["outbox"]
    assert set(backlog["databases"]["bookings_observability"]) == {"waiting", "oldest_age_seconds", "failed"}


def test_the_operators_endpoints_are_not_routed_by_the_gateway(mesh):
    for path in ("/metrics", "/health/live", "/health/ready"):
        response = httpx.get(f"{mesh.gateway_url}{path}", timeout=10)
        assert response.status_code == 404, (path, response.status_code, response.text[:200])
        assert "cinemesh_" not in response.text
