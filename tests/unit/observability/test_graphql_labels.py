"""Booking's GraphQL requests are labelled by the root field of their operation, never by what a
client names them."""

import pytest
from graphql import build_schema, parse

from handlers.booking.observed import labelled, operation_label
from handlers.common.telemetry.asgi import route_label, route_naming

pytestmark = pytest.mark.unit
SCHEMA = build_schema(
    """
    type Query { movies: [String!]! seatMap(showtimeId: ID!): String }
    type Mutation { createBooking(seatIds: [ID!]!): String confirmBooking(id: ID!): String }
    """
)
ROOTS = frozenset({"movies", "seatMap", "createBooking", "confirmBooking"})


@pytest.mark.parametrize(
    ("query", "name", "label"),
    [
        ("mutation CreateBooking { createBooking(seatIds: [1]) }", "CreateBooking", "createBooking"),
        ("{ seatMap(showtimeId: 1) }", None, "seatMap"),
        ("query A { movies } mutation B { confirmBooking(id: 1) }", "B", "confirmBooking"),
        ("query A { movies } query B { seatMap(showtimeId: 1) }", None, "(other)"),  # ambiguous
        ("query DropTables { movies seatMap(showtimeId: 1) }", "DropTables", "(several)"),
        ("query Mine { __typename evilLabel: movies }", "Mine", "movies"),  # aliases do not count
        ("query Unknown { notAField }", "Unknown", "(other)"),
        ("{ movies }", "NoSuchOperation", "(other)"),
    ],
)
def test_the_label_is_one_root_field_of_the_schema(query, name, label):
    assert operation_label(parse(query), name, ROOTS) == label


def test_the_wrapped_parser_returns_the_document_and_names_the_route():
    parsed = []

    def parse_query(_context, data):
        parsed.append(document := parse(data["query"]))
        return document

    data = {"query": "mutation M { confirmBooking(id: 1) }", "operationName": "M"}
    with route_naming():
        document = labelled(parse_query, SCHEMA)(None, data)  # booking's handler parses without context
        assert route_label({}) == "/graphql confirmBooking"
    assert document is parsed[0]
    assert route_label({}) is None
