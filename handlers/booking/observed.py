"""Booking's GraphQL requests named by operation in its metrics and traces.

``labelled(parse, schema)`` wraps the app's query parser: once a request's document is parsed it names
the request's route after the root field its operation selects (``createBooking``, ``seatMap`` ...):
``/graphql createBooking``, which ``cinemesh_http_request_duration_seconds`` and the server span use
instead of ``/graphql`` (``name_route``: the parser may run without the request at hand). Only the
schema's root fields become labels (several: ``(several)``; none of them: ``(other)``), so no client
can invent label values.
"""

from collections.abc import Callable
from inspect import isawaitable
from typing import Any

from ariadne.types import Extension, Resolver
from graphql import DocumentNode, FieldNode, GraphQLResolveInfo, GraphQLSchema, OperationDefinitionNode

from handlers.common import telemetry
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


class RootFieldSpans(Extension):
    """A span per root field of the operation (``createBooking``, ``seatMap`` ...) covering its resolver
    to the end, awaited work included; no argument values (payment tokens, idempotency keys)."""

    def resolve(self, next_: Resolver, obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        if info.path.prev is not None:
            return next_(obj, info, **kwargs)

        async def traced() -> Any:
            attributes = {
                "graphql.operation.type": info.operation.operation.value,
                "graphql.field": info.field_name,
            }
            with telemetry.tracer().start_as_current_span(info.field_name, attributes=attributes):
                result = next_(obj, info, **kwargs)
                return await result if isawaitable(result) else result

        return traced()


def traced_resolvers() -> list[type[Extension]] | None:
    """``RootFieldSpans`` while tracing (None otherwise: nothing added to any request)."""
    return [RootFieldSpans] if telemetry.enabled() else None
