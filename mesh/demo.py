"""``make demo``: one booking through the gateway, printing every step."""

import json
import uuid

import httpx

from mesh import journey


def _show(step: str, detail: object = "") -> None:
    text = detail if isinstance(detail, str) else json.dumps(detail, indent=2, default=str)
    print(f"\n== {step}\n{text}".rstrip(), flush=True)


def run_demo(gateway_url: str) -> int:
    from handlers.notification.settings import NotificationSettings

    correlation = f"demo-{uuid.uuid4().hex[:8]}"
    headers = {"X-Correlation-ID": correlation}
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
            created = journey.create_booking(client, token, showtime["id"], seats)
            _show("5. held them (GraphQL createBooking)", created)
            if created["error"]:
                return 1
            booking_id = created["booking"]["id"]
            confirmed = journey.confirm_booking(client, token, booking_id)
            _show(f"6. paid with {journey.SUCCESS_TOKEN} (GraphQL confirmBooking)", confirmed)
            _show("7. the confirmation (GraphQL booking)", journey.get_booking(client, token, booking_id))
        except (journey.JourneyError, httpx.HTTPError) as exc:
            _show("the demo stopped", str(exc))
            return 1
    notification = journey.find_notification(NotificationSettings().outbox_dir, booking_id)
    if notification is None:
        _show("8. notification", "no notification arrived within 20 s (is RabbitMQ up?)")
        return 1
    _show(f"8. the notification ({notification})", notification.read_text(encoding="utf-8"))
    _show("done", f"correlation id {correlation}: grep it in .run/mesh/*.log")
    return 0 if confirmed["booking"] and confirmed["booking"]["status"] == "CONFIRMED" else 1
