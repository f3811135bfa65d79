"""Events are what contracts/asyncapi/events.yaml declares, checked where they are produced (no services).

The event types are the contract's channels; ``record_event`` refuses a type the contract does not
declare and a payload its generated model refuses or that carries an undeclared field, naming
them; producers build payloads from the generated models; the relay publishes nothing undeclared.
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import get_args

import pytest
import yaml
from faststream.rabbit import RabbitBroker, RabbitQueue, TestRabbitBroker

from generated.events import models as ev
from handlers.booking.models import Booking
from handlers.common.events import (
    CONTRACT,
    EVENT_SCHEMAS,
    EVENTS_EXCHANGE,
    NOTIFICATION_EVENTS,
    event_schemas,
    received_by,
)
from handlers.common.outbox import InvalidEvent, OutboxEvent, OutboxMixin, UndeclaredEvent
from handlers.common.outbox_relay import OutboxRelay

pytestmark = pytest.mark.unit
NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


class Emitter(OutboxMixin):
    """Any document that emits events (the mixin without a database)."""


def succeeded(**changes) -> dict:
    data = {"payment_id": "pay_1", "booking_id": "b-1", "user_id": "u-1", "amount": 1250, "currency": "EUR"}
    return {**data, **changes}


def booking() -> Booking:
    return Booking.model_construct(
        id="b-1",
        user_id="u-1",
        idempotency_key="k",
        showtime_id="5",
        seat_ids=["A-1", "A-2"],
        hold_id="h-1",
        amount=2500,
        currency="EUR",
        hold_expires_at=NOW,
        movie_title="Encore",
        starts_at=NOW + timedelta(hours=2),
    )


# The event types come from the contract's channels


def test_every_channel_of_the_contract_is_an_event_type_with_its_generated_envelope():
    channels = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))["channels"]
    assert set(EVENT_SCHEMAS) == {channel["address"] for channel in channels.values()}
    for event_type, envelope in EVENT_SCHEMAS.items():
        assert get_args(envelope.model_fields["type"].annotation) == (event_type,), envelope.__name__


def edited_contract(tmp_path: Path, edit) -> Path:
    document = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))
    edit(document)
    path = tmp_path / "events.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def test_a_channel_removed_from_the_contract_is_no_longer_an_event_type(tmp_path):
    contract = edited_contract(tmp_path, lambda document: document["channels"].pop("payment.refunded"))
    assert set(event_schemas(contract)) == set(EVENT_SCHEMAS) - {"payment.refunded"}


def test_a_channel_whose_payload_was_not_generated_fails_naming_it(tmp_path):
    def add_channel(document: dict) -> None:
        message = {
            "name": "BookingExploded",
            "payload": {"$ref": "#/components/schemas/BookingExplodedEvent"},
        }
        document["channels"]["booking.exploded"] = {"address": "booking.exploded", "messages": {"M": message}}

    with pytest.raises(ValueError, match="BookingExplodedEvent is not in generated/events"):
        event_schemas(edited_contract(tmp_path, add_channel))


def test_the_notification_queues_are_the_contracts_receive_operations(tmp_path):
    assert set(NOTIFICATION_EVENTS) < set(EVENT_SCHEMAS)
    contract = edited_contract(tmp_path, lambda document: document["operations"].pop("notifyPaymentRefunded"))
    assert set(received_by("notification", contract)) == set(NOTIFICATION_EVENTS) - {"payment.refunded"}


# record_event refuses what the contract does not declare


def test_recording_an_undeclared_type_raises_naming_it_and_records_nothing():
    emitter = Emitter()
    with pytest.raises(UndeclaredEvent, match=r"'booking\.exploded' is not declared in contracts/asyncapi"):
        emitter.record_event("booking.exploded", {"booking_id": "b-1"})
    assert emitter.outbox == [] and emitter.outbox_pending == []


def test_a_payload_missing_a_required_field_raises_naming_it():
    emitter = Emitter()
    payload = succeeded()
    del payload["payment_id"]
    with pytest.raises(
        InvalidEvent, match=r"payment\.succeeded .* PaymentSucceededEvent .*data\.payment_id: Field"
    ):
        emitter.record_event("payment.succeeded", payload)
    assert emitter.outbox == []


def test_a_payload_of_another_type_raises_naming_what_is_missing():
    with pytest.raises(InvalidEvent, match=r"data\.reason: Field required"):
        Emitter().record_event("payment.failed", ev.PaymentSucceededData(**succeeded()))


def test_a_payload_with_an_undeclared_field_raises_naming_it():
    with pytest.raises(InvalidEvent, match=r"data\.refund_id: not declared"):
        Emitter().record_event("payment.succeeded", succeeded(refund_id="re_1"))
    data = booking().event_data(ev.BookingConfirmedData, payment_id="pay_1").model_dump(mode="json")
    data["total"]["tax"] = 10
    with pytest.raises(InvalidEvent, match=r"data\.total\.tax: not declared"):
        Emitter().record_event("booking.confirmed", data)


def test_a_payload_of_the_wrong_kind_raises_naming_the_field():
    with pytest.raises(InvalidEvent, match=r"data\.currency: String should match pattern"):
        Emitter().record_event("payment.succeeded", succeeded(currency="euro"))


def test_a_declared_event_is_recorded_as_its_generated_model_writes_it():
    emitter = Emitter()
    event = emitter.record_event(
        "user.registered", ev.UserRegisteredData(user_id="u", email="a@b.c", full_name="A")
    )
    assert event.data == {"user_id": "u", "email": "a@b.c", "full_name": "A", "phone": None}
    assert emitter.outbox == [event] and emitter.outbox_pending == [event.event_id]
    EVENT_SCHEMAS["user.registered"].model_validate(event.model_dump(mode="json"))


# Booking events are built from the generated models


@pytest.mark.parametrize(
    ("event_type", "model", "extra"),
    [
        ("booking.created", ev.BookingCreatedData, {"expires_at": NOW}),
        ("booking.confirmed", ev.BookingConfirmedData, {"payment_id": "pay_1"}),
        ("booking.cancelled", ev.BookingCancelledData, {"refunded": True, "payment_id": "pay_1"}),
        ("booking.expired", ev.BookingExpiredData, {"refunded": False, "payment_id": None}),
    ],
)
def test_booking_events_are_built_from_their_generated_models(event_type, model, extra):
    source = booking()
    data = source.event_data(model, **extra)
    assert isinstance(data, model)
    event = source.record_event(event_type, data)
    assert event.data["total"] == {"amount": 2500, "currency": "EUR"}
    assert event.data["starts_at"] == "2026-12-01T20:00:00Z"
    assert event.data["seat_ids"] == ["A-1", "A-2"] and event.data["booking_id"] == "b-1"


# The relay publishes nothing undeclared


def stored(event_type: str, data: dict) -> OutboxEvent:
    """An event as a document could hold it had it been written without ``record_event``."""
    return OutboxEvent(
        event_id="6f1c2a9e-8b7d-4c3a-9f0e-1d2c3b4a5f6e", type=event_type, occurred_at=NOW, data=data
    )


@pytest.mark.parametrize(
    ("event", "refusal", "message"),
    [
        (
            stored("booking.exploded", {"booking_id": "b-1"}),
            UndeclaredEvent,
            "'booking.exploded' is not declared",
        ),
        (
            stored("payment.succeeded", succeeded(amount=-1)),
            InvalidEvent,
            "data.amount: Input should be greater",
        ),
    ],
    ids=["undeclared-type", "invalid-payload"],
)
async def test_the_relay_refuses_an_event_the_contract_does_not_allow(event, refusal, message):
    broker = RabbitBroker()
    received = []

    @broker.subscriber(RabbitQueue("tap", routing_key="#"), EVENTS_EXCHANGE)
    async def tap(body: dict) -> None:
        received.append(body)

    relay = OutboxRelay(broker, [])
    async with TestRabbitBroker(broker):
        with pytest.raises(refusal) as refused:
            await relay.publish(event)
        await relay.publish(stored("payment.succeeded", succeeded()))  # a declared event still goes out
    assert message in str(refused.value)
    assert [(body["type"], body["data"]["amount"]) for body in received] == [("payment.succeeded", 1250)]
