"""GraphQL document limits without a server: depth (fields and fragments), aliases, cost, tokens,
each refused as a validation error before the specification's rules run."""

import time

import pytest
from ariadne import graphql
from graphql import get_introspection_query

from handlers.booking.query_limits import QueryLimits
from handlers.booking.resolvers import build_schema
from handlers.booking.resolvers.errors import format_error
from handlers.booking.settings import BookingSettings

pytestmark = pytest.mark.unit
SCHEMA = build_schema()
CREATE = """mutation($showtimeId: ID!, $seatIds: [ID!]!, $key: String!) {
  createBooking(showtimeId: $showtimeId, seatIds: $seatIds, idempotencyKey: $key) { booking { id } } }"""


async def errors(query: str, variables: dict | None = None, **limits) -> list[dict]:
    """The validation errors of ``query`` (execution never starts: the resolvers have no context)."""
    checks = QueryLimits(BookingSettings(environment="test", **limits))
    _, result = await graphql(
        SCHEMA,
        {"query": query, "variables": variables},
        query_parser=checks.parse,
        validation_rules=checks.validation_rules,
        query_validator=checks.validate,
        error_formatter=format_error,
        root_value=_no_execution,
    )
    return result.get("errors", [])


def _no_execution(*_args):
    raise AssertionError("validation should have stopped this document")


def messages(found: list[dict]) -> str:
    assert found and {error["extensions"]["code"] for error in found} == {"GRAPHQL_VALIDATION_FAILED"}
    return " ".join(error["message"] for error in found)


async def passes(query: str, variables: dict | None = None, **limits) -> bool:
    """True when validation let ``query`` through (it then reached execution)."""
    with pytest.raises(AssertionError, match="validation should have stopped"):
        await errors(query, variables, **limits)
    return True


@pytest.mark.parametrize(
    "query",
    [
        get_introspection_query(),
        get_introspection_query(
            descriptions=True,
            specified_by_url=True,
            directive_is_repeatable=True,
            schema_description=True,
            input_value_deprecation=True,
        ),
    ],
    ids=["introspection", "introspection-full"],
)
async def test_graphiql_introspection_passes_the_defaults(query):
    assert await passes(query)


async def test_a_normal_page_and_a_mutation_with_variables_pass_the_defaults():
    page = "{ movies { id title } showtimes { id startsAt price { amount currency } movie { title } } }"
    assert await passes(page)
    assert await passes(CREATE, {"showtimeId": "1", "seatIds": ["A-1"], "key": "k"})


async def test_a_missing_variable_is_left_to_execution_to_report():
    # The cost validator cannot read the arguments; that is not a refusal of ours.
    assert await passes(CREATE, {"seatIds": ["A-1"]})


@pytest.mark.parametrize(
    ("query", "depth"),
    [
        ("{ showtimes { movie { id } } }", 3),
        ("{ ...F } fragment F on Query { showtimes { movie { id } } }", 3),
        ("{ showtimes { ... on Showtime { movie { ...M } } } } fragment M on Movie { id }", 3),
    ],
)
async def test_depth_counts_the_fields_fragments_add(query, depth):
    assert await passes(query, max_query_depth=depth)
    assert "deeper than" in messages(await errors(query, max_query_depth=depth - 1))


async def test_fragments_spread_too_deep_are_refused():
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(6))
    query = f"{{ ...F0 }} {chain} fragment F6 on Query {{ movies {{ id }} }}"
    assert "deeper than" in messages(await errors(query, max_query_depth=5))


async def test_a_fragment_cycle_is_refused_without_recursing():
    chain = " ".join(f"fragment F{i} on Query {{ ...F{(i + 1) % 300} }}" for i in range(300))
    started = time.perf_counter()
    assert "cycle" in messages(await errors(f"{{ ...F0 }} {chain}", max_query_tokens=5000))
    assert time.perf_counter() - started < 1


async def test_a_fragment_spread_many_times_is_measured_once():
    # F0 spreads F1 twice, F1 spreads F2 twice ...: 2**40 paths, 40 fragments.
    chain = " ".join(f"fragment F{i} on Movie {{ id ...F{i + 1} ...F{i + 1} }}" for i in range(40))
    query = f"{{ movies {{ ...F0 }} }} {chain} fragment F40 on Movie {{ title }}"
    started = time.perf_counter()
    assert "deeper than" in messages(await errors(query))
    assert time.perf_counter() - started < 1


async def test_aliases_are_counted():
    query = "{ " + " ".join(f"t{i}: __typename" for i in range(5)) + " }"
    assert await passes(query, max_query_aliases=5)
    assert "aliased fields" in messages(await errors(query, max_query_aliases=4))


async def test_calls_to_other_services_cost_more_than_fields():
    three_calls = "{ movies { id } showtimes { id } seatMap(showtimeId: 1) { showtimeId } }"
    assert await passes(three_calls, max_query_cost=33)
    assert "maximum cost" in messages(await errors(three_calls, max_query_cost=32))


async def test_long_documents_stop_at_the_token_limit():
    query = "{ " + "__typename " * 2000 + "}"
    assert "tokens" in messages(await errors(query)).lower()
