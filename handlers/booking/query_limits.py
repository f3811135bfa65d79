"""Limits on a GraphQL document, each checked before the next, dearer one runs.

1. Parsing stops after ``max_query_tokens`` lexical tokens (graphql-core's own limit).
2. Depth: fields nested deeper than ``max_query_depth``, or fragments spread inside fragments that
   deep, or a fragment cycle. Computed once per fragment, without recursion.
3. Aliases: at most ``max_query_aliases`` aliased fields in the document (aliases are how one
   request asks for the same costly field many times).
4. Cost: ariadne's cost validator, every field 1, a field that calls another service ``CALL_COST``
   (``COST_MAP``); at most ``max_query_cost``.
5. Only then the specification's rules, some of which are quadratic in the document.

A document that passed all of them is kept, by its text, among the last ``validated_documents``
(least recently used first out): the same text again is neither parsed nor validated, which is
what real clients send, one document per operation. The outcome depends on the text alone: the
cost map has no multipliers, so variables do not change a document's cost, and the specification's
rules never read them. A refused document is not kept, so a client cannot fill the cache with
them, and sending many distinct valid documents only evicts older ones.

A refusal is a validation error, so its ``extensions.code`` is ``GRAPHQL_VALIDATION_FAILED`` like
that of any other invalid document (``resolvers.errors.format_error``).
"""

from collections import OrderedDict
from collections.abc import Collection, Iterator
from typing import Any

from ariadne.validation import cost_validator
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeInfo,
    parse,
    specified_rules,
    validate,
)
from graphql.validation import ASTValidationRule, ValidationRule

from handlers.booking.settings import BookingSettings

CALL_COST = 10
COST_MAP = {
    "Query": {
        name: {"complexity": CALL_COST}
        for name in ("movies", "showtimes", "seatMap", "booking", "myBookings")
    },
    "Mutation": {
        name: {"complexity": CALL_COST} for name in ("createBooking", "confirmBooking", "cancelBooking")
    },
}


def _children(selection_set: SelectionSetNode | None) -> Iterator[tuple[Any, int]]:
    """Every selection under ``selection_set`` with the number of fields above it, without recursion."""
    pending = [(selection_set, 0)]
    while pending:
        current, level = pending.pop()
        for selection in current.selections if current else ():
            yield selection, level
            inner = level + 1 if isinstance(selection, FieldNode) else level
            if isinstance(selection, FieldNode | InlineFragmentNode):
                pending.append((selection.selection_set, inner))


def _nesting(
    selection_set: SelectionSetNode | None, fragments: dict[str, tuple[int, int]]
) -> tuple[int, int]:
    """(field depth, fragment nesting) of a selection set, given those of the fragments it spreads."""
    depth = nesting = 0
    for selection, level in _children(selection_set):
        if isinstance(selection, FieldNode):
            depth = max(depth, level + 1)
        elif isinstance(selection, FragmentSpreadNode):
            spread_depth, spread_nesting = fragments.get(selection.name.value, (0, 0))
            depth, nesting = max(depth, level + spread_depth), max(nesting, spread_nesting + 1)
    return depth, nesting


def _fragment_nesting(definitions: list[FragmentDefinitionNode]) -> dict[str, tuple[int, int]] | None:
    """Each fragment's (depth, nesting), dependencies first; None when fragments spread in a cycle."""
    by_name = {fragment.name.value: fragment for fragment in definitions}
    waits_on = {
        name: {s.name.value for s, _ in _children(f.selection_set) if isinstance(s, FragmentSpreadNode)}
        & by_name.keys()
        for name, f in by_name.items()
    }
    done: dict[str, tuple[int, int]] = {}
    ready = [name for name, needed in waits_on.items() if not needed]
    while ready:
        name = ready.pop()
        done[name] = _nesting(by_name[name].selection_set, done)
        for other, needed in waits_on.items():
            if name in needed:
                needed.discard(name)
                if not needed:
                    ready.append(other)
    return done if len(done) == len(by_name) else None


def depth_limit(max_depth: int) -> type[ASTValidationRule]:
    class DepthLimit(ValidationRule):
        def enter_document(self, node: DocumentNode, *_args):
            definitions = node.definitions
            fragments = _fragment_nesting([d for d in definitions if isinstance(d, FragmentDefinitionNode)])
            if fragments is None:
                self.report_error(GraphQLError("Fragments must not spread each other in a cycle."))
                return self.BREAK
            for operation in (d for d in definitions if isinstance(d, OperationDefinitionNode)):
                depth, nesting = _nesting(operation.selection_set, fragments)
                if max(depth, nesting) > max_depth:
                    message = f"The query nests fields or fragments deeper than {max_depth} levels."
                    self.report_error(GraphQLError(message, operation))
            return self.BREAK

    return DepthLimit


def alias_limit(max_aliases: int) -> type[ASTValidationRule]:
    class AliasLimit(ValidationRule):
        def __init__(self, context):
            super().__init__(context)
            self.aliases = 0

        def enter_field(self, node: FieldNode, *_args):
            self.aliases += node.alias is not None

        def leave_document(self, *_args):
            if self.aliases > max_aliases:
                self.report_error(GraphQLError(f"The query has more than {max_aliases} aliased fields."))

    return AliasLimit


class ValidatedDocuments:
    """The last ``size`` documents that passed validation, by their text."""

    def __init__(self, size: int):
        self.size = size
        self._by_text: OrderedDict[str, DocumentNode] = OrderedDict()

    def get(self, text: str) -> DocumentNode | None:
        document = self._by_text.get(text)
        if document is not None:
            self._by_text.move_to_end(text)
        return document

    def holds(self, document: DocumentNode) -> bool:
        return document.loc is not None and self._by_text.get(document.loc.source.body) is document

    def add(self, document: DocumentNode) -> None:
        if document.loc is None or not self.size:
            return
        self._by_text[document.loc.source.body] = document
        self._by_text.move_to_end(document.loc.source.body)
        while len(self._by_text) > self.size:
            self._by_text.popitem(last=False)


class QueryLimits:
    """The ``query_parser``, ``validation_rules`` and ``query_validator`` of the GraphQL app."""

    def __init__(self, settings: BookingSettings):
        self.max_tokens, self.max_cost = settings.max_query_tokens, settings.max_query_cost
        self.shape_rules = [depth_limit(settings.max_query_depth), alias_limit(settings.max_query_aliases)]
        self.validated = ValidatedDocuments(settings.validated_documents)

    def parse(self, _context: Any, data: dict) -> DocumentNode:
        text = data["query"]
        return self.validated.get(text) or parse(text, max_lexical_tokens=self.max_tokens)

    def validation_rules(self, _context: Any, _document: DocumentNode, data: dict) -> list:
        # The cost validator reads argument values, so it needs this request's variables.
        variables = data.get("variables") or {}
        cost = cost_validator(self.max_cost, default_cost=1, variables=variables, cost_map=COST_MAP)
        return [*self.shape_rules, cost]

    def validate(
        self,
        schema: GraphQLSchema,
        document_ast: DocumentNode,
        rules: Collection[type[ASTValidationRule]] | None = None,
        max_errors: int | None = None,
        type_info: TypeInfo | None = None,  # ariadne's QueryValidator has it; graphql-core 3.3 has none
    ) -> list[GraphQLError]:
        """Our rules one at a time, in order, then the specification's (ariadne appends ours to them).

        An argument the cost validator could not read (a variable missing or of the wrong type) is
        not a refusal of ours: the specification's rules and execution report it in their words.
        """
        if self.validated.holds(document_ast):
            return []
        rules = list(rules or specified_rules)
        try:
            for rule in (rule for rule in rules if rule not in specified_rules):
                errors = validate(schema, document_ast, [rule])
                if errors := [error for error in errors if error.original_error is None]:
                    return errors
            spec = [rule for rule in rules if rule in specified_rules]
            if errors := validate(schema, document_ast, spec, max_errors=max_errors):
                return errors
        except RecursionError:
            return [GraphQLError("The query is too complex to validate.")]
        self.validated.add(document_ast)
        return []
