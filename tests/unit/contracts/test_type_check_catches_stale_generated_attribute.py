"""`make lint`'s type checker (mypy, configured in pyproject.toml) fails on code that still uses what
a contract no longer has: an attribute or a constructor argument of a generated pydantic model, a
field of a generated betterproto message.

It checks a small module (written to a temporary directory, so nothing in the repository changes)
with the project's own configuration, and expects exactly the stale uses to be reported: the fields
that exist type-check, the generated packages are found, and each error names its attribute.
"""

import re
import subprocess
import sys

import pytest

from handlers.common.settings import REPO_ROOT

pytestmark = pytest.mark.unit

MODULE = """
from generated.openapi.cinema import Movie, Rating
from generated.proto.cinema import v1 as pb


def language(movie: Movie) -> str:
    return movie.title.root + movie.language


def new_movie() -> Movie:
    return Movie(
        id=1, title="Up", duration_minutes=96, rating=Rating.PG, genres=["family"],
        poster_url="https://posters.example/up.jpg", language="en",
    )


def expiry(response: pb.HoldSeatsResponse) -> object:
    hold = response.hold
    return None if hold is None else (hold.held_until, hold.seat_ids, hold.expires_at)
"""

EXPECTED = {
    '"Movie" has no attribute "language"',
    'Unexpected keyword argument "language" for "Movie"',
    '"Hold" has no attribute "expires_at"',
}


def test_a_stale_attribute_of_generated_code_fails_the_type_check(tmp_path):
    module = tmp_path / "stale_client.py"
    module.write_text(MODULE)
    config, cache = REPO_ROOT / "pyproject.toml", tmp_path / "cache"
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(config), "--cache-dir", str(cache), str(module)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = checked.stdout + checked.stderr
    errors = set(re.findall(r"^.*stale_client\.py:\d+: error: (.*?)  \[[a-z-]+\]$", output, re.M))
    assert checked.returncode == 1, output
    assert errors == EXPECTED, output
