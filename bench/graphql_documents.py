"""Booking's work on a GraphQL document before execution (parse, query limits, the specification's
rules), per request, for the typed client's own operations (generated/graphql_client), with the
validated-documents cache (handlers/booking/query_limits.py) beside its baseline from the same run:
the cache turned off (``validated_documents=0``), which parses and validates every request."""

import time

from generated.graphql_client import operations
from handlers.booking.query_limits import QueryLimits
from handlers.booking.resolvers import build_schema
from handlers.booking.settings import BookingSettings

REQUESTS = 2000
DOCUMENTS = {
    "createBooking": operations.CREATE_BOOKING_GQL,
    "confirmBooking": operations.CONFIRM_BOOKING_GQL,
    "myBookings": operations.MY_BOOKINGS_GQL,
}


def per_request_us(checks: QueryLimits, schema, query: str) -> float:
    data = {"query": query, "variables": {}}
    started = time.perf_counter()
    for _ in range(REQUESTS):
        document = checks.parse(None, data)
        rules = checks.validation_rules(None, document, data)
        assert not checks.validate(schema, document, rules)
    return (time.perf_counter() - started) / REQUESTS * 1e6


def main() -> None:
    schema = build_schema()
    print(f"booking: parse + validate per request ({REQUESTS} requests of each document, one process)")
    for name, query in DOCUMENTS.items():
        baseline = per_request_us(QueryLimits(BookingSettings(validated_documents=0)), schema, query)
        cached = per_request_us(QueryLimits(BookingSettings()), schema, query)
        print(
            f"  {name:15}: every request validated (baseline) {baseline:8.1f} us;"
            f" validated once, then kept {cached:6.1f} us ({baseline / cached:.0f}x less)"
        )
