"""Settings shared by every test: tests never touch the development databases.

Fuzzing depth: the contract fuzzers run the ``ci`` Hypothesis profile (100 examples per operation,
derandomized: the same cases every run, so CI is reproducible); ``HYPOTHESIS_PROFILE=deep pytest
-m contract`` runs 500 random ones per operation for a longer hunt.
"""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from handlers.common.keys import ensure_dev_keys

os.environ.setdefault("CINEMESH_ENV", "test")

settings.register_profile(
    "ci",
    max_examples=100,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
settings.register_profile(
    "deep", max_examples=500, deadline=None, suppress_health_check=list(HealthCheck), print_blob=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory) -> Path:
    """A keys directory of the tests' own: a development key pair per signer (handlers/common/keys.py).

    Read-only for its users; a test that rotates keys makes its own directory.
    """
    path = tmp_path_factory.mktemp("jwt")
    ensure_dev_keys(path)
    return path
