"""A process that dies mid-charge or mid-refund (issue 9, defect 7): the request that takes its key
over finishes the work, and the processor charges and refunds exactly once.

The death is ``ProcessDied``, raised around a processor call (just before it, or just after it
answered). It is a ``BaseException``, so no ``except Exception`` runs: the idempotency claim
stays ``in_progress`` as a real crash leaves it. The test ages the claim past its lease (as
tests/integration/payment/test_payment_idempotency_records.py does) and retries with the same
key and body. What the processor did is counted by the references it answered: each approved
charge or refund has its own.
"""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from handlers.payment.processor import Outcome, SimulatedProcessor

pytestmark = pytest.mark.integration


class ProcessDied(BaseException):
    """The process running the request died here: nothing after this line ran."""


class ProcessorSpy:
    """Records every answer of the simulated processor; ``crash_at`` arms one death around a call."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.answers: dict[str, list[Outcome]] = {"charge": [], "refund": []}
        self.crash_at: tuple[str, str] | None = None  # ("charge" | "refund", "before" | "after")
        for operation in self.answers:
            monkeypatch.setattr(SimulatedProcessor, operation, self._spy(operation))

    def done(self, operation: str) -> set[str]:
        """The processor references of the charges or refunds it made."""
        return {
            answer.reference for answer in self.answers[operation] if answer.approved and answer.reference
        }

    def _die_if(self, operation: str, when: str) -> None:
        if self.crash_at == (operation, when):
            self.crash_at = None
            raise ProcessDied(f"{when} the processor's {operation}")

    def _spy(self, operation: str):
        real = getattr(SimulatedProcessor, operation)

        async def call(processor, *args, **kwargs):
            self._die_if(operation, "before")
            answer = await real(processor, *args, **kwargs)
            self.answers[operation].append(answer)
            self._die_if(operation, "after")
            return answer

        return call


@pytest.fixture
def spy(monkeypatch) -> ProcessorSpy:
    return ProcessorSpy(monkeypatch)


async def abandon_claim(payment_db, key: str) -> None:
    """The dead request's claim, aged past its lease so that the next request takes it over."""
    claim = {"key": key, "state": "in_progress"}
    aged = await payment_db["idempotency_keys"].update_one(
        claim, {"$set": {"created_at": datetime.now(UTC) - timedelta(minutes=5)}}
    )
    assert aged.matched_count == 1  # the crash left the key claimed, as a real one does


@pytest.mark.parametrize("when", ["before", "after"])
async def test_a_charge_whose_process_died_around_the_processor_call_is_charged_once(
    when, spy, charge, alice, payment_api, payment_db, booking_id
):
    key = uuid.uuid4().hex
    spy.crash_at = ("charge", when)
    with pytest.raises(ProcessDied):
        await charge(alice, key=key)
    listed = await payment_api.get("/payments", params={"booking_id": booking_id}, headers=alice.headers)
    assert listed.status_code == 503 and listed.headers["Retry-After"]  # its outcome is not known yet
    await abandon_claim(payment_db, key)

    retried = await charge(alice, key=key)
    assert retried.status_code == 201, retried.text
    assert retried.headers.get("Idempotent-Replayed") is None and retried.json()["status"] == "succeeded"
    [charged] = spy.done("charge")  # one charge at the processor, whatever the dead run did
    [stored] = await payment_db["payments"].find({"booking_id": booking_id}).to_list()
    assert stored["_id"] == retried.json()["id"] and stored["processor_reference"] == charged
    assert [event["type"] for event in stored["outbox"]] == ["payment.succeeded"]
    [logged] = await payment_db["transaction_log"].find({"payment_id": stored["_id"]}).to_list()
    assert (logged["kind"], logged["processor_reference"]) == ("charge", charged)
    replay = await charge(alice, key=key)
    assert replay.json() == retried.json() and replay.headers["Idempotent-Replayed"] == "true"
    assert spy.done("charge") == {charged}


async def test_reading_a_bookings_payments_finishes_a_charge_whose_process_died(
    spy, charge, alice, booking_service, payment_api, payment_db, booking_id
):
    """Nobody retries the POST (the booking gave up on it): the lookup itself must not say 'nothing
    was charged' while the processor did charge. It finishes the abandoned charge, once."""
    spy.crash_at = ("charge", "after")
    with pytest.raises(ProcessDied):
        await charge(alice)
    [charged] = spy.done("charge")
    await payment_db["charge_intents"].update_one(
        {"booking_id": booking_id}, {"$set": {"created_at": datetime.now(UTC) - timedelta(minutes=5)}}
    )
    for reader in (booking_service, alice.headers, booking_service):
        listed = await payment_api.get("/payments", params={"booking_id": booking_id}, headers=reader)
        assert listed.status_code == 200, listed.text
        [payment] = listed.json()["items"]
        assert (payment["status"], payment["amount"]) == ("succeeded", 2400)
    assert spy.done("charge") == {charged}  # finished by asking again with the same reference
    [stored] = await payment_db["payments"].find({"booking_id": booking_id}).to_list()
    assert stored["processor_reference"] == charged
    assert [event["type"] for event in stored["outbox"]] == ["payment.succeeded"]


async def test_a_declined_charge_whose_process_died_stays_declined(
    spy, charge, alice, payment_db, booking_id
):
    key = uuid.uuid4().hex
    spy.crash_at = ("charge", "after")
    with pytest.raises(ProcessDied):
        await charge(alice, key=key, payment_token="tok_card_declined")
    await abandon_claim(payment_db, key)
    retried = await charge(alice, key=key, payment_token="tok_card_declined")
    assert (retried.json()["status"], retried.json()["failure_reason"]) == ("failed", "card_declined")
    [stored] = await payment_db["payments"].find({"booking_id": booking_id}).to_list()
    assert [event["type"] for event in stored["outbox"]] == ["payment.failed"]
    assert spy.done("charge") == set()


@pytest.mark.parametrize("when", ["before", "after"])
async def test_a_refund_whose_process_died_around_the_processor_call_is_refunded_once(
    when, spy, charge, refund_of, alice, payment_api, payment_db
):
    payment = (await charge(alice, amount=2400)).json()
    key = uuid.uuid4().hex
    spy.crash_at = ("refund", when)
    with pytest.raises(ProcessDied):
        await refund_of(payment["id"], key, amount=1500)
    shown = (await payment_api.get(f"/payments/{payment['id']}", headers=alice.headers)).json()
    assert (shown["refunded_amount"], shown["refunds"]) == (0, [])  # reserved, not refunded
    other = await refund_of(payment["id"], amount=1000)  # another refund cannot take the reserved amount
    assert other.status_code == 422 and other.json()["refundable_amount"] == 900
    await abandon_claim(payment_db, key)

    retried = await refund_of(payment["id"], key, amount=1500)
    assert retried.status_code == 201, retried.text
    assert retried.json()["amount"] == 1500 and retried.json()["status"] == "succeeded"
    [refunded] = spy.done("refund")  # one refund at the processor, whatever the dead run did
    shown = (await payment_api.get(f"/payments/{payment['id']}", headers=alice.headers)).json()
    assert shown["refunded_amount"] == 1500 and shown["refunds"] == [retried.json()]
    [entry] = await payment_db["refunds"].find({"payment_id": payment["id"]}).to_list()
    assert (entry["status"], entry["processor_reference"]) == ("succeeded", refunded)
    assert [(event["type"], event["data"]["amount"]) for event in entry["outbox"]] == [
        ("payment.refunded", 1500)
    ]
    logged = (
        await payment_db["transaction_log"].find({"payment_id": payment["id"], "kind": "refund"}).to_list()
    )
    assert [log["processor_reference"] for log in logged] == [refunded]
    rest = await refund_of(payment["id"])
    assert rest.json()["amount"] == 900 and len(spy.done("refund")) == 2  # never beyond the capture
    assert (await refund_of(payment["id"])).status_code == 422
