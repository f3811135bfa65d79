"""The GraphQL operations CineMesh's clients send (pyproject's [tool.ariadne-codegen] queries_path) are valid
against the booking SDL, checked with graphql-core as ariadne-codegen checks them in ``make generate``.

So an SDL change that breaks an operation is named here (file, line, rule) before anyone regenerates the
typed client; the second test shows the failure on a copy whose fragment asks for a field the SDL lacks.
"""

import shutil
import tomllib
from pathlib import Path

import pytest
from graphql import (
    DocumentNode,
    NoUnusedFragmentsRule,
    Source,
    build_schema,
    parse,
    specified_rules,
    validate,
)

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[3]
CODEGEN = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["ariadne-codegen"]
SDL = REPO / CODEGEN["schema_path"]
OPERATIONS = REPO / CODEGEN["queries_path"]
RULES = [rule for rule in specified_rules if rule is not NoUnusedFragmentsRule]  # as ariadne-codegen


def operation_errors(sdl: Path, operations: Path) -> list[str]:
    """``file:line:column: message`` for every rule the operation files under ``operations`` break,
    validated together (a fragment may be defined in another file) as ariadne-codegen does."""
    schema = build_schema(sdl.read_text())
    documents = [
        parse(Source(path.read_text(), str(path.relative_to(operations.parent))))
        for path in sorted(operations.rglob("*.graphql"))
    ]
    assert documents, f"no .graphql file under {operations}"
    merged = DocumentNode(definitions=tuple(d for document in documents for d in document.definitions))
    return [
        f"{error.source.name}:{error.locations[0].line}:{error.locations[0].column}: {error.message}"
        for error in validate(schema, merged, RULES)
    ]


def test_every_operation_is_valid_against_the_sdl():
    assert operation_errors(SDL, OPERATIONS) == []


def test_a_field_missing_from_the_sdl_is_named(tmp_path):
    copy = tmp_path / OPERATIONS.name
    shutil.copytree(OPERATIONS, copy)
    edited = copy / "operations.graphql"
    text = edited.read_text()
    assert "  paymentId\n" in text
    edited.write_text(text.replace("  paymentId\n", "  paymentId\n  refundId\n", 1))
    line = text[: text.index("  paymentId\n")].count("\n") + 2

    assert operation_errors(SDL, copy) == [
        f"{copy.name}/operations.graphql:{line}:3: Cannot query field 'refundId' on type 'Booking'."
    ]
