"""The invariants of issue 12, checked over everything stored after a run (``stored.Snapshot``), what
reached the broker (``broker.BrokerLog``) and what the clients were told (``history.History``).

Each check returns its violations (empty: it holds), so a report lists every one of them.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from handlers.common.events import NOTIFICATION_EVENTS
from tests.faults.broker import BrokerLog
from tests.faults.cluster import PAYMENT_LEASE_SECONDS
from tests.faults.history import Call, History
from tests.faults.stored import Doc, Snapshot

FINAL = {"CONFIRMED", "CANCELLED", "PAYMENT_FAILED", "EXPIRED"}
SWEEP_SLACK = timedelta(seconds=5)  # the seat inventory sweeps lapsed holds every 2 s
FAULT_GRACE = 3.0  # seconds after a fault healed during which an answer may still be its error
AFTERMATH = PAYMENT_LEASE_SECONDS + 10.0  # how long an attempt the fault cut may stay in doubt


@dataclass(frozen=True)
class Window:
    """A fault: what was done, from when until the faulted part answered again (run seconds)."""

    name: str
    start: float
    healed: float


@dataclass
class Observed:
    snapshot: Snapshot
    broker: BrokerLog
    history: History
    windows: list[Window]


def _confirmed(snapshot: Snapshot) -> list[Doc]:
    return [booking for booking in snapshot.bookings if booking["status"] == "CONFIRMED"]


def sold_seats_are_confirmed_seats(o: Observed) -> list[str]:
    sold = {seat["seat_id"]: seat["booking_id"] for seat in o.snapshot.seats if seat["state"] == "SOLD"}
    owners = {seat: booking["_id"] for booking in _confirmed(o.snapshot) for seat in booking["seat_ids"]}
    return [
        f"seat {seat} is SOLD to {sold.get(seat)} but CONFIRMED booking is {owners.get(seat)}"
        for seat in sorted(set(sold) | set(owners))
        if sold.get(seat) != owners.get(seat)
    ]


def no_seat_in_two_bookings(o: Observed) -> list[str]:
    live = [b for b in o.snapshot.bookings if b["status"] in ("CONFIRMED", "CONFIRMING", "CANCELLING")]
    live += [
        b for b in o.snapshot.bookings if b["status"] == "PENDING" and b["hold_expires_at"] > o.snapshot.now
    ]
    holders: dict[str, list[str]] = {}
    for booking in live:
        for seat in booking["seat_ids"]:
            holders.setdefault(seat, []).append(f"{booking['_id']} ({booking['status']})")
    return [
        f"seat {seat} belongs to {', '.join(ids)}" for seat, ids in sorted(holders.items()) if len(ids) > 1
    ]


def no_held_seat_outlives_its_hold(o: Observed) -> list[str]:
    cutoff = o.snapshot.now - SWEEP_SLACK
    return [
        f"seat {seat['seat_id']} HELD by {seat['hold_id']}, whose hold lapsed at {seat['held_until']:%T}"
        for seat in o.snapshot.seats
        if seat["state"] == "HELD" and seat["held_until"] <= cutoff
    ]


def _refunded(snapshot: Snapshot) -> dict[str, list[Doc]]:
    done: dict[str, list[Doc]] = {}
    for entry in snapshot.refunds:
        if entry.get("status", "succeeded") == "succeeded":
            done.setdefault(entry["payment_id"], []).append(entry)
    return done


def money_adds_up(o: Observed) -> list[str]:
    """Captures pay for CONFIRMED bookings or are refunded in full, once; nothing else is charged."""
    s, violations = o.snapshot, []
    by_id = {booking["_id"]: booking for booking in s.bookings}
    refunds = _refunded(s)
    unrefunded: dict[str, list[Doc]] = {}
    for payment in (p for p in s.payments if p["status"] == "succeeded"):
        booking, entries = by_id[payment["booking_id"]], refunds.get(payment["_id"], [])
        refunded = sum(entry["amount"] for entry in entries)
        if refunded > payment["amount"]:
            violations.append(f"payment {payment['_id']}: {refunded} refunded of {payment['amount']}")
        if refunded == 0:
            unrefunded.setdefault(booking["_id"], []).append(payment)
            if booking["status"] != "CONFIRMED":
                violations.append(
                    f"capture {payment['_id']} kept by a {booking['status']} booking {booking['_id']}"
                )
        elif refunded < payment["amount"]:
            violations.append(
                f"payment {payment['_id']} refunded in part ({refunded} of {payment['amount']})"
            )
        elif booking["status"] == "CANCELLED" and len(entries) != 1:
            violations.append(f"CANCELLED booking {booking['_id']} refunded {len(entries)} times")
    for booking in _confirmed(s):
        paid = unrefunded.get(booking["_id"], [])
        owed = (booking["amount"], booking["currency"], booking["user_id"])
        if [(p["amount"], p["currency"], p["user_id"]) for p in paid] != [owed]:
            violations.append(
                f"CONFIRMED booking {booking['_id']} paid by {[p['_id'] for p in paid]}, not once"
            )
    pending = [entry["_id"] for entry in s.refunds if entry.get("status") == "pending"]
    if pending:
        violations.append(f"refunds never finished: {pending}")
    return violations


def bookings_are_finished(o: Observed) -> list[str]:
    return [
        f"booking {booking['_id']} left {booking['status']} (hold until {booking['hold_expires_at']:%T})"
        for booking in o.snapshot.bookings
        if booking["status"] not in FINAL
        and not (booking["status"] == "PENDING" and booking["hold_expires_at"] > o.snapshot.now)
    ]


def _expected_events(snapshot: Snapshot) -> Counter:
    """(subject, type) -> how many events the stored states call for."""
    expected: Counter = Counter()
    for booking in snapshot.bookings:
        steps = {step["status"] for step in booking.get("history") or []}
        expected[(booking["_id"], "booking.created")] = 1
        expected[(booking["_id"], "booking.confirmed")] = int("CONFIRMED" in steps)
        for status, kind in (("CANCELLED", "booking.cancelled"), ("EXPIRED", "booking.expired")):
            expected[(booking["_id"], kind)] = int(booking["status"] == status)
    for payment in snapshot.payments:
        expected[(payment["_id"], f"payment.{payment['status']}")] = 1
    for entry in snapshot.refunds:
        expected[(entry["_id"], "payment.refunded")] = int(entry.get("status", "succeeded") == "succeeded")
    for user in snapshot.users:
        expected[(user["_id"], "user.registered")] = 1
    return expected


def every_event_reached_the_broker(o: Observed) -> list[str]:
    s, violations = o.snapshot, []
    recorded: Counter = Counter()
    for document in s.outbox_documents():
        for event in document.get("outbox") or []:
            recorded[(document["_id"], event["type"])] += 1
    for key, count in sorted(_expected_events(s).items()):
        if recorded[key] != count:
            violations.append(
                f"{key[0]}: {recorded[key]} {key[1]} event(s) recorded, its state calls for {count}"
            )
    for event_id in s.pending_events():
        violations.append(f"event {event_id} still pending in an outbox")
    missing = sorted(set(s.events()) - set(o.broker.events))
    violations += [
        f"event {event_id} ({s.events()[event_id][0]}) never reached the broker" for event_id in missing
    ]
    lost = sorted(set(s.events()) & set(o.broker.dead_letters))
    violations += [f"event {event_id} was dead-lettered" for event_id in lost]
    return violations


def one_notification_per_event(o: Observed) -> list[str]:
    s, violations = o.snapshot, []
    phones = {user["_id"]: bool(user.get("phone")) for user in s.users}
    rows: dict[str, list[str]] = {}
    for row in s.notifications:
        rows.setdefault(row["event_id"], []).append(row["channel"])
    events = s.events()
    for event_id, (event_type, data) in sorted(events.items()):
        if event_type not in NOTIFICATION_EVENTS:
            continue
        wanted = ["email", "sms"] if phones.get(data.get("user_id", "")) else ["email"]
        if sorted(rows.get(event_id, [])) != wanted:
            violations.append(
                f"{event_type} {event_id}: notifications {sorted(rows.get(event_id, []))} != {wanted}"
            )
    strays = sorted(set(rows) - set(events))
    violations += [f"notification for event {event_id}, which no document recorded" for event_id in strays]
    return violations


def answers_match_final_state(o: Observed) -> list[str]:
    by_key = {booking["idempotency_key"]: booking for booking in o.snapshot.bookings}
    violations = []
    for attempt in o.history.attempts:
        stored = by_key.get(attempt.key)
        final = stored["status"] if stored else None
        if attempt.unresolved:
            violations.append(
                f"{attempt.key}: {attempt.unresolved} never answered definitively ({attempt.outcomes})"
            )
        elif attempt.told_status is None:
            if stored is not None:
                violations.append(
                    f"{attempt.key}: told {attempt.told} without a booking, yet {final} is stored"
                )
        else:
            expected = "EXPIRED" if attempt.told_status == "PENDING" else attempt.told_status
            if final != expected:
                violations.append(f"{attempt.key}: told {attempt.outcomes}, stored {final}")
    return violations


def error_phases(o: Observed) -> list[tuple[Call, str]]:
    """Each error with when it came: ``fault`` (inside a window, plus ``FAULT_GRACE``), ``aftermath``
    (a 503 to an attempt the fault cut, within ``AFTERMATH``: a charge cut mid-way stays in doubt until
    payment's idempotency lease lets a retry take it over, ``cluster.PAYMENT_LEASE_SECONDS``),
    ``outside`` (neither), or ``unclear`` (an answer that is never acceptable)."""

    def during(call: Call, after: float) -> bool:
        return any(call.started <= w.healed + after and call.ended >= w.start for w in o.windows)

    cut = {call.attempt for call in o.history.errors() if call.attempt and during(call, FAULT_GRACE)}
    phases = []
    for call in o.history.errors():
        if call.kind == "unclear":
            phases.append((call, "unclear"))
        elif during(call, FAULT_GRACE):
            phases.append((call, "fault"))
        elif call.attempt in cut and call.kind == "unavailable" and during(call, AFTERMATH):
            phases.append((call, "aftermath"))
        else:
            phases.append((call, "outside"))
    return phases


def errors_only_during_faults(o: Observed) -> list[str]:
    return [
        f"{call.op} at {call.started:.1f}s-{call.ended:.1f}s: {call.kind} HTTP {call.status}"
        f" {call.code or ''} {'outside any fault' if phase == 'outside' else '(never acceptable)'}"
        for call, phase in error_phases(o)
        if phase in ("outside", "unclear")
    ]


def served_again_after_each_fault(o: Observed) -> list[str]:
    confirmed = [
        call.started
        for call in o.history.calls
        if call.op == "confirmBooking" and call.kind == "ok" and call.booking_status == "CONFIRMED"
    ]
    return [
        f"no booking was confirmed after {w.name} healed at {w.healed:.1f}s"
        for w in o.windows
        if not any(started >= w.healed for started in confirmed)
    ]


INVARIANTS: dict[str, Callable[[Observed], list[str]]] = {
    "SOLD seats == seats of CONFIRMED bookings": sold_seats_are_confirmed_seats,
    "no seat in two bookings": no_seat_in_two_bookings,
    "no HELD seat outlives its hold": no_held_seat_outlives_its_hold,
    "captures pay CONFIRMED bookings once or are refunded in full": money_adds_up,
    "every booking finished (or PENDING within its hold)": bookings_are_finished,
    "every event recorded once per state change and reached the broker": every_event_reached_the_broker,
    "exactly one notification per notified event": one_notification_per_event,
    "client answers match the final state": answers_match_final_state,
    "errors only while a fault lasted, and always clear": errors_only_during_faults,
    "bookings confirmed again after each fault healed": served_again_after_each_fault,
}


def check(observed: Observed) -> dict[str, list[str]]:
    return {name: rule(observed) for name, rule in INVARIANTS.items()}
