"""Booking's GraphQL requests named by operation in its metrics and traces.

``labelled(parse, schema)`` wraps the app's query parser: once a request's document is parsed it names
the request's route after the root field its operation selects (``createBooking``, ``seatMap`` ...):
``/graphql createBooking``, which ``cinemesh_http_request_duration_seconds`` and the server span use
instead of ``/graphql`` (``name_route``: the parser may run without the request at hand). Only the
schema's root fields become labels (several: ``(several)``; none of them: ``(other)``), so no client
can invent label values.
"""

from collections.abc import Callable
from typing import Any

from graphql import DocumentNode, FieldNode, GraphQLSchema, OperationDefinitionNode

from handlers.common.telemetry.asgi import name_route

Parser = Callable[[Any, dict], DocumentNode]


def operation_label(document: DocumentNode, name: str | None, roots: frozenset[str]) -> str:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    named = [op for op in operations if op.name is not None and op.name.value == name]
    chosen = named[0] if named else operations[0] if len(operations) == 1 and not name else None
    if chosen is None:
        return "(other)"
    fields = {s.name.value for s in chosen.selection_set.selections if isinstance(s, FieldNode)}
    known = fields & roots
    if len(known) > 1:
        return "(several)"
    return known.pop() if known else "(other)"


def labelled(parse: Parser, schema: GraphQLSchema) -> Parser:
    roots = frozenset(
        name for root in (schema.query_type, schema.mutation_type) if root is not None for name in root.fields
    )

    def parse_and_label(context: Any, data: dict) -> DocumentNode:
        document = parse(context, data)
        name_route(f"/graphql {operation_label(document, data.get('operationName'), roots)}")
        return document

    return parse_and_label
