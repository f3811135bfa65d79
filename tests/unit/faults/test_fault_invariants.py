"""The fault suite's invariant checker (tests/faults/invariants.py) on a small stored world built by
hand: silent on a consistent one, and each invariant names the defect it is meant to catch."""

import copy
from datetime import UTC, datetime, timedelta

import pytest

from tests.faults.broker import BrokerLog
from tests.faults.history import Attempt, Call, History
from tests.faults.invariants import INVARIANTS, Observed, Window, check
from tests.faults.stored import Snapshot

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
LAPSED = NOW - timedelta(minutes=1)
PAID = ["PENDING", "CONFIRMING", "CONFIRMED"]


def _event(event_id: str, kind: str, user: str = "u1") -> dict:
    return {"event_id": event_id, "type": kind, "occurred_at": LAPSED, "data": {"user_id": user}}


def _booking(booking_id: str, status: str, seats: list[str], steps: list[str], events: list[dict]) -> dict:
    return {
        "_id": booking_id,
        "user_id": "u1",
        "idempotency_key": f"key-{booking_id}",
        "showtime_id": "7",
        "seat_ids": seats,
        "status": status,
        "amount": 1000 * len(seats),
        "currency": "EUR",
        "hold_expires_at": LAPSED,
        "history": [{"status": step} for step in steps],
        "outbox": events,
        "outbox_pending": [],
    }


def _payment(payment_id: str, booking_id: str, status: str, event: str) -> dict:
    return {
        "_id": payment_id,
        "booking_id": booking_id,
        "user_id": "u1",
        "amount": 1000,
        "currency": "EUR",
        "status": status,
        "outbox": [_event(event, f"payment.{status}")],
        "outbox_pending": [],
    }


def _seat(seat_id: str, state: str = "AVAILABLE", booking_id: str | None = None) -> dict:
    return {"seat_id": seat_id, "state": state, "hold_id": None, "held_until": None, "booking_id": booking_id}


def world() -> Observed:
    """b1 CONFIRMED (A-1, paid by p1), b2 confirmed then CANCELLED (A-2, p2 refunded by r2),
    b3 PAYMENT_FAILED (p3 declined), b4 EXPIRED unpaid; their events all relayed and notified."""
    bookings = [
        _booking("b1", "CONFIRMED", ["A-1"], PAID,
                 [_event("e1", "booking.created"), _event("e2", "booking.confirmed")]),
        _booking("b2", "CANCELLED", ["A-2"], [*PAID, "CANCELLING", "CANCELLED"],
                 [_event("e3", "booking.created"), _event("e4", "booking.confirmed"),
                  _event("e5", "booking.cancelled")]),
        _booking("b3", "PAYMENT_FAILED", ["A-3"], ["PENDING", "CONFIRMING", "PAYMENT_FAILED"],
                 [_event("e6", "booking.created")]),
        _booking("b4", "EXPIRED", ["A-4"], ["PENDING", "EXPIRED"],
                 [_event("e7", "booking.created"), _event("e8", "booking.expired")]),
    ]  # fmt: skip
    payments = [
        _payment("p1", "b1", "succeeded", "e9"),
        _payment("p2", "b2", "succeeded", "e10"),
        _payment("p3", "b3", "failed", "e11"),
    ]
    refund = {"_id": "r2", "payment_id": "p2", "amount": 1000, "status": "succeeded", "outbox_pending": []}
    refund["outbox"] = [_event("e12", "payment.refunded")]
    user = {"_id": "u1", "phone": None, "outbox": [_event("e13", "user.registered")], "outbox_pending": []}
    seats = [_seat("A-1", "SOLD", "b1"), _seat("A-2"), _seat("A-3"), _seat("A-4")]
    snapshot = Snapshot(NOW, seats, bookings, payments, [refund], [user])
    snapshot.notifications = [
        {"event_id": event_id, "channel": "email", "user_id": "u1"}
        for event_id in ("e2", "e4", "e5", "e8", "e11", "e12", "e13")
    ]
    broker = BrokerLog(events={event_id: event for event_id, event in snapshot.events().items()})
    attempts = [
        Attempt("key-b1", 0, ["A-1"], "confirm", "tok_visa_success", "b1", "CONFIRMED", "CONFIRMED"),
        Attempt("key-b2", 0, ["A-2"], "confirm+cancel", "tok_visa_success", "b2", "CANCELLED", "CANCELLED"),
        Attempt(
            "key-b3", 0, ["A-3"], "confirm", "tok_card_declined", "b3", "PAYMENT_DECLINED", "PAYMENT_FAILED"
        ),
        Attempt("key-b4", 0, ["A-4"], "abandon", "", "b4", "PENDING", "PENDING"),
        Attempt("key-x", 0, ["A-1"], "confirm", "tok_visa_success", None, "SEATS_UNAVAILABLE", None),
    ]
    calls = [Call("confirmBooking", "key-b1", 30.0, 30.5, "ok", 200, None, "CONFIRMED")]
    return Observed(snapshot, broker, History(calls, attempts, ["u1"]), [Window("payment killed", 10, 20)])


def violated(observed: Observed) -> list[str]:
    return [name for name, violations in check(observed).items() if violations]


def test_a_consistent_world_violates_nothing():
    assert violated(world()) == []


def _only(observed: Observed, invariant: str) -> None:
    assert invariant in INVARIANTS
    assert violated(observed) == [invariant], check(observed)


def test_a_seat_sold_to_a_booking_that_is_not_confirmed():
    o = world()
    o.snapshot.seats[1] = _seat("A-2", "SOLD", "b2")
    _only(o, "SOLD seats == seats of CONFIRMED bookings")


def test_a_seat_in_two_live_bookings():
    o = world()
    extra = copy.deepcopy(o.snapshot.bookings[3])
    extra.update(
        _id="b5", idempotency_key="key-b5", status="PENDING", hold_expires_at=NOW + timedelta(minutes=1)
    )
    extra["seat_ids"] = ["A-1"]
    extra["outbox"] = [_event("e14", "booking.created")]
    o.snapshot.bookings.append(extra)
    o.broker.events["e14"] = ("booking.created", {})
    _only(o, "no seat in two bookings")


def test_a_held_seat_past_its_hold():
    o = world()
    o.snapshot.seats[3] = {**_seat("A-4"), "state": "HELD", "hold_id": "b4", "held_until": LAPSED}
    _only(o, "no HELD seat outlives its hold")


def test_a_capture_kept_by_a_declined_booking():
    o = world()
    o.snapshot.payments[2]["status"] = "succeeded"
    o.snapshot.payments[2]["outbox"][0]["type"] = "payment.succeeded"
    o.broker.events["e11"] = ("payment.succeeded", {})
    o.snapshot.notifications = [n for n in o.snapshot.notifications if n["event_id"] != "e11"]
    _only(o, "captures pay CONFIRMED bookings once or are refunded in full")


def test_a_cancelled_booking_refunded_twice():
    o = world()
    o.snapshot.refunds[0]["amount"] = 500
    second = {
        **copy.deepcopy(o.snapshot.refunds[0]),
        "_id": "r3",
        "outbox": [_event("e15", "payment.refunded")],
    }
    o.snapshot.refunds.append(second)
    o.broker.events["e15"] = ("payment.refunded", {})
    o.snapshot.notifications.append({"event_id": "e15", "channel": "email", "user_id": "u1"})
    _only(o, "captures pay CONFIRMED bookings once or are refunded in full")


def test_a_booking_left_mid_saga():
    o = world()
    o.snapshot.bookings[0]["status"] = "CONFIRMING"
    o.snapshot.seats[0] = _seat("A-1")
    o.history.attempts[0].told, o.history.attempts[0].told_status = "IN_PROGRESS", "CONFIRMING"
    o.snapshot.payments.pop(0)
    o.snapshot.notifications = [n for n in o.snapshot.notifications if n["event_id"] != "e9"]
    _only(o, "every booking finished (or PENDING within its hold)")


def test_an_event_that_never_reached_the_broker():
    o = world()
    del o.broker.events["e8"]
    _only(o, "every event recorded once per state change and reached the broker")


def test_a_state_change_without_its_event():
    o = world()
    o.snapshot.bookings[3]["outbox"].pop()
    o.snapshot.notifications = [n for n in o.snapshot.notifications if n["event_id"] != "e8"]
    _only(o, "every event recorded once per state change and reached the broker")


def test_a_missing_and_a_duplicate_notification():
    o = world()
    o.snapshot.notifications = [n for n in o.snapshot.notifications if n["event_id"] != "e2"]
    o.snapshot.notifications.append({"event_id": "e5", "channel": "email", "user_id": "u1"})
    assert check(o)["exactly one notification per notified event"] == [
        "booking.confirmed e2: notifications [] != ['email']",
        "booking.cancelled e5: notifications ['email', 'email'] != ['email']",
    ]
    _only(o, "exactly one notification per notified event")


def test_a_client_told_something_else_than_what_is_stored():
    o = world()
    o.history.attempts[1].told = o.history.attempts[1].told_status = "CONFIRMED"
    _only(o, "client answers match the final state")


def test_a_client_never_answered_definitively():
    o = world()
    o.history.attempts[0].unresolved = "confirmBooking"
    _only(o, "client answers match the final state")


def test_errors_outside_the_fault_or_unclear_ones():
    o = world()
    o.history.calls += [
        Call("confirmBooking", "key-b3", 12.0, 13.0, "unavailable", 503, "SERVICE_UNAVAILABLE"),
        Call("confirmBooking", "key-b3", 30.0, 30.2, "unavailable", 503, "SERVICE_UNAVAILABLE"),  # aftermath
    ]
    assert violated(o) == []
    o.history.calls += [
        Call("createBooking", "key-b4", 40.0, 40.1, "gateway", 502),
        Call("confirmBooking", "key-b1", 15.0, 15.2, "unclear", 400, "INTERNAL_SERVER_ERROR"),
    ]
    assert len(check(o)["errors only while a fault lasted, and always clear"]) == 2
    _only(o, "errors only while a fault lasted, and always clear")


def test_nothing_confirmed_after_the_fault_healed():
    o = world()
    o.history.calls = []
    _only(o, "bookings confirmed again after each fault healed")
