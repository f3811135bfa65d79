"""The most seats one booking takes is stated once, by @itemCount in the booking SDL.

scripts/graphql_item_counts.py turns every @itemCount into a constant of generated/graphql/<sdl>.py;
the booking service enforces the constant, so its bounds are the SDL's, read here from the SDL itself.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from graphql import IntValueNode, build_schema

from handlers.booking.creation import _validate
from handlers.booking.errors import BadUserInput
from handlers.common.settings import REPO_ROOT

pytestmark = pytest.mark.unit

SDL = REPO_ROOT / "contracts" / "graphql" / "booking.graphql"
SCRIPT = REPO_ROOT / "scripts" / "graphql_item_counts.py"


def sdl_bounds() -> tuple[int, int]:
    argument = build_schema(SDL.read_text()).mutation_type.fields["createBooking"].args["seatIds"]
    [directive] = [d for d in argument.ast_node.directives if d.name.value == "itemCount"]
    values = {a.name.value: a.value for a in directive.arguments}
    assert all(isinstance(value, IntValueNode) for value in values.values())
    return int(values["min"].value), int(values["max"].value)


def generate(sdl: str, tmp_path: Path) -> str:
    path = tmp_path / "schema.graphql"
    path.write_text(sdl)
    done = subprocess.run([sys.executable, SCRIPT, path, "x.graphql"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_each_item_count_becomes_a_named_constant(tmp_path: Path) -> None:
    sdl = """
    directive @itemCount(min: Int!, max: Int!) on ARGUMENT_DEFINITION
    type Query { a(ids: [ID!] @itemCount(min: 2, max: 7), other: [ID!]): Int }
    type Mutation { markSeatsSold(seatIds: [ID!]! @itemCount(min: 1, max: 3)): Int }
    """
    module = generate(sdl, tmp_path)
    assert "MUTATION_MARK_SEATS_SOLD_SEAT_IDS: Final = ItemCount(min=1, max=3)" in module
    assert "QUERY_A_IDS: Final = ItemCount(min=2, max=7)" in module
    assert "OTHER" not in module and module.startswith("# DO NOT EDIT")


def test_booking_takes_as_many_seats_as_the_sdl_says() -> None:
    low, high = sdl_bounds()
    seats = [f"A-{n}" for n in range(high + 1)]
    for count in (low, high):
        _validate("5", seats[:count], "k1")
    for count in (low - 1, high + 1):
        with pytest.raises(BadUserInput, match=f"{low} to {high} seats"):
            _validate("5", seats[:count], "k1")
