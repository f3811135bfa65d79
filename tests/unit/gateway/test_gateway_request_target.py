"""Paths refused with 400 before routing: bad escapes, escaped NUL, non-UTF-8, control characters."""

import pytest

from mesh.gateway.request_target import bad_path

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"/movies%zz", "malformed percent-encoding"),
        (b"/movies/abc%2", "malformed percent-encoding"),
        (b"/movies/%", "malformed percent-encoding"),
        (b"/showtimes/1%ff/seats", "not UTF-8 once decoded"),
        (b"/movies/%c3%28", "not UTF-8 once decoded"),
        (b"/movies%00", "control character"),
        (b"/users/me%0d%0aX-Injected:%201", "control character"),
        (b"/cinemas/%7F", "control character"),
    ],
)
def test_refused(raw, why):
    assert bad_path(raw) == why


@pytest.mark.parametrize(
    "raw", [b"/movies", b"/movies/a%2Fb%20c", b"/movies/%C3%A9t%C3%A9", b"/showtimes/42/seats", b"/x%25zz"]
)
def test_accepted(raw):
    assert bad_path(raw) is None
