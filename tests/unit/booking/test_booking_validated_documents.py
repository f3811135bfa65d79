"""A document that passed validation is kept by its text: the same text again is neither parsed nor
validated; a refused document is never kept; the cache holds at most ``validated_documents``."""

import pytest
from ariadne import graphql

from handlers.booking import query_limits
from handlers.booking.query_limits import QueryLimits
from handlers.booking.resolvers import build_schema
from handlers.booking.settings import BookingSettings

pytestmark = pytest.mark.unit
SCHEMA = build_schema()
VALID = "{ __typename }"
TOO_DEEP = "{ movies { showtimes { movie { showtimes { id } } } } }"


@pytest.fixture
def validations(monkeypatch) -> list[int]:
    """One entry per run of graphql-core's ``validate`` inside the query limits."""
    runs: list[int] = []
    real = query_limits.validate

    def counted(*args, **kwargs):
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(query_limits, "validate", counted)
    return runs


async def ask(checks: QueryLimits, query: str) -> dict:
    _, result = await graphql(
        SCHEMA,
        {"query": query},
        query_parser=checks.parse,
        validation_rules=checks.validation_rules,
        query_validator=checks.validate,
    )
    return result


async def test_the_same_valid_text_is_validated_once(validations):
    checks = QueryLimits(BookingSettings(environment="test"))
    first = await ask(checks, VALID)
    runs_for_first = len(validations)

    assert await ask(checks, VALID) == first == {"data": {"__typename": "Query"}}
    assert runs_for_first > 0 and len(validations) == runs_for_first
    assert checks.parse(None, {"query": VALID}) is checks.parse(None, {"query": VALID})


async def test_a_refused_text_is_refused_again_and_never_kept(validations):
    checks = QueryLimits(BookingSettings(environment="test", max_query_depth=3))
    first = await ask(checks, TOO_DEEP)
    runs_for_first = len(validations)

    assert await ask(checks, TOO_DEEP) == first and "deeper than" in first["errors"][0]["message"]
    assert len(validations) == 2 * runs_for_first
    assert checks.validated.get(TOO_DEEP) is None


async def test_the_cache_keeps_only_the_most_recently_used_texts(validations):
    checks = QueryLimits(BookingSettings(environment="test", validated_documents=2))
    texts = ["{ __typename }", "{ a: __typename }", "{ b: __typename }"]
    for text in [texts[0], texts[1], texts[0], texts[2]]:
        await ask(checks, text)

    assert checks.validated.get(texts[0]) is not None and checks.validated.get(texts[2]) is not None
    assert checks.validated.get(texts[1]) is None


async def test_a_size_of_zero_keeps_nothing(validations):
    checks = QueryLimits(BookingSettings(environment="test", validated_documents=0))
    await ask(checks, VALID)
    runs_for_one = len(validations)
    await ask(checks, VALID)

    assert len(validations) == 2 * runs_for_one and checks.validated.get(VALID) is None
