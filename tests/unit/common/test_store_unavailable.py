"""A store that cannot serve is a retryable answer, never a 400 or a 500 (found by the fault suite,
tests/faults/test_stores.py: PostgreSQL crashed and FerretDB stopped under load answered booking's
GraphQL with HTTP 400 INTERNAL_SERVER_ERROR and the seat map with a 500 problem)."""

import pytest
from graphql import GraphQLError
from pymongo.errors import DuplicateKeyError, OperationFailure, ServerSelectionTimeoutError
from sqlalchemy.exc import DBAPIError, IntegrityError

from handlers.booking.resolvers.errors import format_error
from handlers.cinema.db import unavailable as postgres_unavailable
from handlers.common.doc_lock import LockTimeout
from handlers.common.mongo import unavailable as mongo_unavailable

pytestmark = pytest.mark.unit
FERRETDB_BACKEND_DOWN = OperationFailure("[msg_find.go:344] unexpected EOF", 1, {"codeName": "InternalError"})


class DriverError(Exception):
    def __init__(self, sqlstate: str):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def test_mongo_errors_that_say_the_store_cannot_serve_now():
    assert mongo_unavailable(FERRETDB_BACKEND_DOWN)
    assert mongo_unavailable(ServerSelectionTimeoutError("no server"))
    assert mongo_unavailable(LockTimeout())
    assert not mongo_unavailable(DuplicateKeyError("E11000"))
    assert not mongo_unavailable(ValueError("a bug"))


def test_postgres_errors_that_say_the_database_cannot_serve_now():
    shutting_down = DBAPIError("SELECT 1", None, DriverError("57P03"))  # asyncpg CannotConnectNowError
    lost = DBAPIError("SELECT 1", None, DriverError("08006"))
    duplicate = IntegrityError("INSERT", None, DriverError("23505"))
    assert postgres_unavailable(shutting_down) and postgres_unavailable(lost)
    assert postgres_unavailable(ConnectionRefusedError())
    assert not postgres_unavailable(duplicate)


@pytest.mark.parametrize(
    ("original", "code"),
    [(FERRETDB_BACKEND_DOWN, "SERVICE_UNAVAILABLE"), (DuplicateKeyError("E11000"), "INTERNAL_SERVER_ERROR")],
)
def test_booking_answers_a_store_outage_as_service_unavailable(original, code):
    error = GraphQLError("boom", path=["confirmBooking"], original_error=original)
    assert format_error(error)["extensions"]["code"] == code
