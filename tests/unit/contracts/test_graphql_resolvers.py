"""Every field of contracts/graphql/booking.graphql is resolved on purpose (no service needed).

Query and Mutation fields need a resolver of their own. Any other object field either has one or
is read by ariadne's default resolver from its parent, whose type is declared in
``handlers.booking.resolvers.types.SOURCES`` (a class or a TypedDict of a dict's keys): the field's
snake_case name must be one of that type's fields, or the field must be in ``ALWAYS_NULL`` with a
reason. The dict sources of the cinema catalog are checked against what the real adapter builds.
"""

import dataclasses
import inspect
import re
from datetime import UTC, datetime
from typing import is_typeddict

import httpx
import pytest
from ariadne import make_executable_schema
from ariadne.resolvers import is_default_resolver
from ariadne.utils import convert_camel_case_to_snake
from graphql import GraphQLNonNull, GraphQLObjectType, GraphQLSchema

from handlers.booking.adapters.catalog import RestCatalog
from handlers.booking.resolvers import SDL_PATH, build_schema
from handlers.booking.resolvers.mutation import mutation
from handlers.booking.resolvers.query import query
from handlers.booking.resolvers.types import ALWAYS_NULL, SOURCES, CatalogMovie, CatalogShowtime, bindables

pytestmark = pytest.mark.unit
CONTRACT = "booking.graphql"
TYPES = "handlers.booking.resolvers.types"


def readable(source: type) -> set[str]:
    """What the default resolver can read from an instance of ``source``: its fields or keys, properties."""
    if is_typeddict(source):
        return set(source.__required_keys__ | source.__optional_keys__)
    names = set(getattr(source, "model_fields", {}))
    if dataclasses.is_dataclass(source):
        names |= {field.name for field in dataclasses.fields(source)}
    return names | {name for name, member in inspect.getmembers(source) if isinstance(member, property)}


def object_types(schema: GraphQLSchema) -> list[GraphQLObjectType]:
    roots = {schema.query_type, schema.mutation_type, schema.subscription_type}
    return [
        graphql_type
        for name, graphql_type in sorted(schema.type_map.items())
        if isinstance(graphql_type, GraphQLObjectType)
        and not name.startswith("__")
        and graphql_type not in roots
    ]


def unbound_root_fields(schema: GraphQLSchema) -> list[str]:
    return [
        f"{CONTRACT}: {root.name}.{name} has no resolver bound in handlers/booking/resolvers"
        for root in (schema.query_type, schema.mutation_type)
        if root is not None
        for name, field in root.fields.items()
        if is_default_resolver(field.resolve)
    ]


def unsourced_fields(schema: GraphQLSchema, sources=SOURCES, always_null=ALWAYS_NULL) -> list[str]:
    """Object fields resolved by default from a parent that does not have them."""
    problems = []
    for graphql_type in object_types(schema):
        defaults = [name for name, field in graphql_type.fields.items() if is_default_resolver(field.resolve)]
        if not defaults:
            continue
        source = sources.get(graphql_type.name)
        if source is None:
            problems.append(
                f"{CONTRACT}: {graphql_type.name} ({', '.join(defaults)}) has no resolvers and no source "
                f"in {TYPES}.SOURCES"
            )
            continue
        names = readable(source)
        for name in defaults:
            attribute = convert_camel_case_to_snake(name)
            if attribute not in names and f"{graphql_type.name}.{name}" not in always_null:
                problems.append(
                    f"{CONTRACT}: {graphql_type.name}.{name} has no resolver and its source "
                    f"{source.__module__}.{source.__qualname__} has no {attribute!r}"
                )
    return problems


def test_every_query_and_mutation_field_has_a_resolver():
    assert unbound_root_fields(build_schema()) == []


def test_every_object_field_has_a_resolver_or_a_source():
    assert unsourced_fields(build_schema()) == []


def test_the_declarations_name_types_and_fields_of_the_sdl():
    schema = build_schema()
    stale = [name for name in SOURCES if not isinstance(schema.type_map.get(name), GraphQLObjectType)]
    assert stale == [], f"SOURCES names types the SDL does not have: {stale}"
    for key, reason in ALWAYS_NULL.items():
        type_name, _, name = key.partition(".")
        field = schema.type_map[type_name].fields.get(name)  # type: ignore[union-attr]
        assert field is not None, f"ALWAYS_NULL: {key} is not a field of the SDL"
        assert not isinstance(field.type, GraphQLNonNull), f"ALWAYS_NULL: {key} is non-null ({reason})"
        assert is_default_resolver(field.resolve), f"ALWAYS_NULL: {key} has a resolver"
        source = SOURCES[type_name]
        assert convert_camel_case_to_snake(name) not in readable(source), f"ALWAYS_NULL: {key} has a source"


def schema_with(edit) -> GraphQLSchema:
    sdl = edit(SDL_PATH.read_text(encoding="utf-8"))
    return make_executable_schema(sdl, query, mutation, *bindables, convert_names_case=True)


def add_field(type_name: str, field: str):
    def edit(sdl: str) -> str:
        edited, count = re.subn(
            rf"^type {type_name} \{{\n", f"type {type_name} {{\n  {field}\n", sdl, flags=re.M
        )
        assert count == 1
        return edited

    return edit


def test_a_new_field_without_resolver_or_source_fails_naming_it():
    problems = unsourced_fields(schema_with(add_field("Movie", "language: String")))
    assert problems == [
        f"{CONTRACT}: Movie.language has no resolver and its source "
        "handlers.booking.resolvers.types.CatalogMovie has no 'language'"
    ]
    problems = unsourced_fields(schema_with(add_field("Booking", "seatCount: Int!")))
    assert len(problems) == 1 and "Booking.seatCount" in problems[0] and "'seat_count'" in problems[0]


def test_a_new_field_read_from_its_source_passes():
    assert unsourced_fields(schema_with(add_field("Booking", "refundId: ID"))) == []  # Booking.refund_id


def test_a_new_type_without_source_fails_naming_it():
    def edit(sdl: str) -> str:
        return add_field("Booking", "venue: Venue")(sdl) + "\ntype Venue {\n  name: String\n}\n"

    problems = unsourced_fields(schema_with(edit))
    assert f"{CONTRACT}: Venue (name) has no resolvers and no source in {TYPES}.SOURCES" in problems


def test_a_new_query_without_resolver_fails_naming_it():
    assert unbound_root_fields(schema_with(add_field("Query", "cinemas: [String!]!"))) == [
        f"{CONTRACT}: Query.cinemas has no resolver bound in handlers/booking/resolvers"
    ]


# The catalog's dicts: the declared keys are the keys the REST adapter builds.

MOVIE = {
    "id": 7,
    "title": "Encore",
    "duration_minutes": 90,
    "rating": "PG",
    "genres": ["drama"],
    "poster_url": None,
}
SHOWTIME = {
    "id": 5,
    "movie_id": 7,
    "hall_id": 2,
    "cinema_id": 1,
    "starts_at": datetime(2026, 12, 1, 19, 30, tzinfo=UTC).isoformat(),
    "ends_at": datetime(2026, 12, 1, 21, 0, tzinfo=UTC).isoformat(),
    "base_price_minor": 1250,
    "currency": "EUR",
}


def cinema(request: httpx.Request) -> httpx.Response:
    item = {"/movies": MOVIE, "/showtimes": SHOWTIME}[request.url.path]
    return httpx.Response(200, json={"items": [item], "total": 1, "limit": 100, "offset": 0})


@pytest.fixture
async def catalog():
    async with httpx.AsyncClient(transport=httpx.MockTransport(cinema), base_url="http://cinema") as client:
        yield RestCatalog(client)


async def test_the_catalog_builds_movies_with_the_declared_keys(catalog):
    [movie] = await catalog.movies()
    assert set(movie) == set(CatalogMovie.__required_keys__)


async def test_the_catalog_builds_showtimes_with_the_declared_keys(catalog):
    [showtime] = await catalog.showtimes({})
    assert set(showtime) == set(CatalogShowtime.__required_keys__)
    assert set(showtime["price"]) == set(SOURCES["Money"].__required_keys__)  # type: ignore[attr-defined]
