"""The box office's GraphQL documents and hand-written result types against the booking SDL.

web/src/operations.graphql must validate against contracts/graphql/booking.graphql (graphql-core),
and each TypeScript interface of web/src/booking.ts must name exactly the fields its fragment or
selection takes, nullable exactly where the SDL is, with the SDL's enum values: a contract change
that breaks the app fails here (tsc then checks the app against these types).
"""

import re

import pytest
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    build_schema,
    get_named_type,
    parse,
    validate,
)

from handlers.common.settings import REPO_ROOT

pytestmark = pytest.mark.unit

SCHEMA = build_schema((REPO_ROOT / "contracts" / "graphql" / "booking.graphql").read_text())
DOCUMENT = parse((REPO_ROOT / "web" / "src" / "operations.graphql").read_text())
TYPESCRIPT = (REPO_ROOT / "web" / "src" / "booking.ts").read_text()
# TypeScript interface -> (SDL type, the fragment that selects it, or the field path under it)
INTERFACES = {"Booking": "BookingFields", "BookingError": "ErrorFields", "Money": ("BookingFields", "total")}


def interfaces() -> dict[str, dict[str, str]]:
    found = {}
    for name, body in re.findall(r"export interface (\w+) \{\n(.*?)\n\}", TYPESCRIPT, re.DOTALL):
        found[name] = dict(re.findall(r"^\s+(\w+): (.+);$", body, re.MULTILINE))
    return found


def unions() -> dict[str, set[str]]:
    return {
        name: set(re.findall(r'"(\w+)"', body))
        for name, body in re.findall(r"export type (\w+) =(.*?);", TYPESCRIPT, re.DOTALL)
    }


def selection(fragment: str, *path: str) -> dict[str, FieldNode]:
    node = next(
        d for d in DOCUMENT.definitions if isinstance(d, FragmentDefinitionNode) and d.name.value == fragment
    )
    fields = {f.name.value: f for f in node.selection_set.selections if isinstance(f, FieldNode)}
    for step in path:
        fields = {f.name.value: f for f in fields[step].selection_set.selections if isinstance(f, FieldNode)}
    return fields


def test_the_documents_validate_against_the_sdl() -> None:
    assert [error.message for error in validate(SCHEMA, DOCUMENT)] == []


@pytest.mark.parametrize("interface", sorted(INTERFACES))
def test_each_result_type_names_the_selected_fields_nullable_where_the_sdl_is(interface: str) -> None:
    where = INTERFACES[interface]
    fields = selection(*where) if isinstance(where, tuple) else selection(where)
    sdl_type = SCHEMA.get_type(interface)
    assert isinstance(sdl_type, GraphQLObjectType)
    written = interfaces()[interface]
    assert set(written) == set(fields)
    for name, ts_type in written.items():
        nullable = not isinstance(sdl_type.fields[name].type, GraphQLNonNull)
        assert ts_type.endswith("| null") == nullable, f"{interface}.{name}: {ts_type}"


@pytest.mark.parametrize("enum", ["BookingStatus", "BookingErrorCode"])
def test_each_union_lists_the_enum_values_of_the_sdl(enum: str) -> None:
    sdl_enum = SCHEMA.get_type(enum)
    assert isinstance(sdl_enum, GraphQLEnumType)
    assert unions()[enum] == set(sdl_enum.values)


def test_the_payload_type_fits_every_mutation_payload() -> None:
    written = interfaces()["Payload"]
    for field in SCHEMA.mutation_type.fields.values():
        payload = get_named_type(field.type)
        assert set(payload.fields) == set(written)
        assert all(not isinstance(f.type, GraphQLNonNull) for f in payload.fields.values())
