"""The most seats one hold takes is stated once, by ``(cinemesh.v1.item_count)`` in the seat inventory's
proto contract.

scripts/proto_item_counts.py turns every such option into a constant of generated/proto/item_counts.py;
the cinema service enforces the constant, so its bounds are the contract's, read here from the
contract's descriptors.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from handlers.cinema import inventory_rules as rules
from handlers.cinema.errors import BadRequest
from handlers.common.settings import REPO_ROOT
from mesh.proto_descriptors import FieldBounds, descriptors

pytestmark = pytest.mark.unit

PROTO_ROOT = REPO_ROOT / "contracts" / "proto"
LIMITS = "cinemesh/v1/limits.proto"


def generate(proto_root: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "scripts.proto_item_counts", str(proto_root), "x/"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_each_item_count_becomes_a_named_constant(tmp_path: Path) -> None:
    (tmp_path / "cinemesh" / "v1").mkdir(parents=True)
    shutil.copy(PROTO_ROOT / LIMITS, tmp_path / LIMITS)
    (tmp_path / "probe.proto").write_text(
        'syntax = "proto3";\npackage probe;\nimport "cinemesh/v1/limits.proto";\n'
        "message Basket {\n"
        "  repeated string items = 1 [(cinemesh.v1.item_count) = {min: 2, max: 7}];\n"
        "  repeated string others = 2;\n"
        "  message Shelf { repeated int32 slots = 1 [(cinemesh.v1.item_count) = {min: 0, max: 3}]; }\n"
        "}\n"
    )
    module = generate(tmp_path)
    assert "BASKET_ITEMS: Final = ItemCount(min=2, max=7)" in module
    assert "BASKET_SHELF_SLOTS: Final = ItemCount(min=0, max=3)" in module
    assert "OTHERS" not in module and module.startswith("# DO NOT EDIT")


def test_a_hold_takes_as_many_seats_as_the_contract_says() -> None:
    found = descriptors(PROTO_ROOT, ["cinema/v1/seat_inventory.proto"])
    [inventory] = [file for file in found.file if file.name == "cinema/v1/seat_inventory.proto"]
    [request] = [message for message in inventory.message_type if message.name == "HoldSeatsRequest"]
    [field] = [field for field in request.field if field.name == "seat_ids"]
    bounds = FieldBounds(found).item_count(field)
    assert bounds is not None, "HoldSeatsRequest.seat_ids lost its (cinemesh.v1.item_count)"
    low, high = bounds
    seats = [f"A-{n}" for n in range(1, high + 2)]
    for count in (low, high):
        assert len(rules.seat_ids(seats[:count])) == count
    for count in (low - 1, high + 1):
        with pytest.raises(BadRequest, match=f"between {low} and {high} seats"):
            rules.seat_ids(seats[:count])
