"""``make demo``: one booking through the gateway, printing every step."""

import asyncio
import json
import uuid

import httpx
from pydantic import BaseModel

from generated.graphql_client import BookingStatus, GraphQLClientError, GraphQLClientHttpError
from mesh import journey


def _show(step: str, detail: object = "") -> None:
    if isinstance(detail, BaseModel):
        detail = detail.model_dump(mode="json", by_alias=True)
    text = detail if isinstance(detail, str) else json.dumps(detail, indent=2, default=str)
    print(f"\n== {step}\n{text}".rstrip(), flush=True)


async def _book(client: httpx.Client, token: str, showtime_id: int | str, seats: list[str]) -> str | None:
    """Steps 5 to 7 (GraphQL): the id of the booking when it is CONFIRMED, else None."""
    async with journey.booking_api(client, token) as api:
        created = await journey.create_booking(api, showtime_id, seats)
        _show("5. held them (GraphQL createBooking)", created)
        if created.booking is None:
            return None
        confirmed = await journey.confirm_booking(api, created.booking.id)
        _show(f"6. paid with {journey.SUCCESS_TOKEN} (GraphQL confirmBooking)", confirmed)
        booking = await api.get_booking(id=created.booking.id)
        _show("7. the confirmation (GraphQL booking)", booking)
    return booking.id if booking and booking.status == BookingStatus.CONFIRMED else None


def run_demo(gateway_url: str) -> int:
    from handlers.notification.settings import NotificationSettings

    correlation = f"demo-{uuid.uuid4().hex[:8]}"
    # One traceparent for every call: the whole journey is one trace (when the mesh is traced).
    headers = {
        "X-Correlation-ID": correlation,
        "traceparent": f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01",
    }
    with httpx.Client(base_url=gateway_url, timeout=30, headers=headers) as client:
        try:
            user = journey.register(client)
            _show("1. registered (POST /users)", {k: user[k] for k in ("id", "email", "name", "role")})
            token = journey.log_in(client, user["email"], user["password"])
            _show("2. logged in (POST /auth/token)", f"access token {token[:24]}...")
            showtime, free = journey.showtime_with_free_seats(client, 2)
            _show("3. picked a showtime (GET /showtimes)", showtime)
            seats = [seat["seat_id"] for seat in free[:2]]
            _show("4. two free seats (GET /showtimes/{id}/seats)", seats)
            booking_id = asyncio.run(_book(client, token, showtime["id"], seats))
        except (journey.JourneyError, GraphQLClientError, httpx.HTTPError) as exc:
            response = exc.response if isinstance(exc, GraphQLClientHttpError) else None
            body = response.text[:500] if isinstance(response, httpx.Response) else ""
            _show("the demo stopped", f"{exc} {body}")
            return 1
    if booking_id is None:
        return 1
    notification = journey.find_notification(NotificationSettings().outbox_dir, booking_id)
    if notification is None:
        _show("8. notification", "no notification arrived within 20 s (is RabbitMQ up?)")
        return 1
    _show(f"8. the notification ({notification})", notification.read_text(encoding="utf-8"))
    _show(
        "done",
        f"correlation id {correlation}: grep it in .run/mesh/*.log, or see the trace with"
        f" `python -m mesh trace {correlation}`",
    )
    return 0
