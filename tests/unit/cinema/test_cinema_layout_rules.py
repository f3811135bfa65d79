"""Pure rules of the cinema domain: layouts, prices, inventory input, text and time checks."""

from datetime import UTC, datetime

import pytest
from grpclib import GRPCError, Status

from handlers.cinema import inventory_rules as rules
from handlers.cinema.catalog_rules import day_bounds, parse_instant, require_storable
from handlers.cinema.errors import (
    BadRequest,
    HoldExpired,
    HoldIdReused,
    NotFound,
    SeatsUnavailable,
    Unprocessable,
)
from handlers.cinema.grpc_service import _grpc_status
from handlers.cinema.inventory_client import SeatsUnavailableError, _refined
from handlers.cinema.layout import expand, seat_price

pytestmark = pytest.mark.unit


def test_expand_numbers_rows_and_applies_kinds():
    seats = expand(
        [
            {"label": "A", "seat_count": 3, "overrides": [{"number": 3, "kind": "wheelchair"}]},
            {"label": "B", "seat_count": 2, "kind": "premium"},
        ]
    )
    assert [(s.seat_id, s.kind, s.position) for s in seats] == [
        ("A-1", "standard", 0),
        ("A-2", "standard", 1),
        ("A-3", "wheelchair", 2),
        ("B-1", "premium", 3),
        ("B-2", "premium", 4),
    ]


@pytest.mark.parametrize(
    "rows",
    [
        [{"label": "A", "seat_count": 2}, {"label": "A", "seat_count": 2}],
        [{"label": "A", "seat_count": 2, "overrides": [{"number": 3, "kind": "premium"}]}],
        [{"label": f"A{chr(65 + n)}", "seat_count": 50} for n in range(11)],
    ],
    ids=["duplicate-label", "override-beyond-row", "over-500-seats"],
)
def test_expand_refuses_impossible_layouts(rows):
    with pytest.raises(Unprocessable):
        expand(rows)


def test_price_tiers():
    assert [seat_price(1001, kind) for kind in ("standard", "premium", "wheelchair")] == [1001, 1502, 1001]


def test_inventory_input_rules():
    assert rules.seat_ids(["B-1", "A-10", "A-2"]) == ["A-10", "A-2", "B-1"]
    assert rules.ttl(0, 600, 1800) == 600 and rules.ttl(1800, 600, 1800) == 1800
    assert rules.reference("hold_id", "3f2c-AB_9.x:y") == "3f2c-AB_9.x:y"
    for call in (
        lambda: rules.seat_ids([]),
        lambda: rules.seat_ids(["a-1"]),
        lambda: rules.seat_ids(["A-0"]),
        lambda: rules.seat_ids(["A-1"] * 2),
        lambda: rules.ttl(-1, 600, 1800),
        lambda: rules.reference("hold_id", "é"),
        lambda: rules.showtime_id(0),
    ):
        with pytest.raises(BadRequest):
            call()
    with pytest.raises(NotFound):
        rules.showtime_id(2**31)


def test_expired_holds_count_as_free():
    now = datetime(2030, 1, 1, tzinfo=UTC)
    assert rules.is_taken({"state": "SOLD", "held_until": None}, now)
    assert rules.is_taken({"state": "HELD", "held_until": datetime(2030, 1, 2, tzinfo=UTC)}, now)
    assert not rules.is_taken({"state": "HELD", "held_until": now}, now)
    assert not rules.is_taken({"state": "AVAILABLE", "held_until": None}, now)


def test_storable_text_and_instants():
    require_storable({"a": ["fine", {"b": "ok"}]})
    for bad in ({"a": "x\x00"}, {"a": ["\ud800"]}):
        with pytest.raises(BadRequest):
            require_storable(bad)
    assert parse_instant("t", "2030-01-01T12:00:00+02:00") == datetime(2030, 1, 1, 10, tzinfo=UTC)
    with pytest.raises(BadRequest):
        parse_instant("t", "2030-01-01T12:00:00")
    with pytest.raises(Unprocessable):
        parse_instant("t", "2200-01-01T12:00:00Z")
    assert day_bounds("2030-01-01")[1] == datetime(2030, 1, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (SeatsUnavailable(["A-1"]), Status.FAILED_PRECONDITION),
        (HoldExpired("gone"), Status.FAILED_PRECONDITION),
        (HoldIdReused("again"), Status.ALREADY_EXISTS),
        (NotFound("who"), Status.NOT_FOUND),
        (BadRequest("what"), Status.INVALID_ARGUMENT),
        (Unprocessable("how"), Status.INVALID_ARGUMENT),
    ],
)
def test_domain_errors_map_to_grpc_statuses(error, status):
    with pytest.raises(GRPCError) as mapped, _grpc_status():
        raise error
    assert mapped.value.status == status and mapped.value.message == error.detail


def test_client_parses_the_unavailable_seats():
    refined = _refined(GRPCError(Status.FAILED_PRECONDITION, SeatsUnavailable(["A-1", "B-7"]).detail))
    assert isinstance(refined, SeatsUnavailableError) and refined.seat_ids == ["A-1", "B-7"]
    expired = GRPCError(Status.FAILED_PRECONDITION, "Hold h expired")
    assert _refined(expired) is expired
