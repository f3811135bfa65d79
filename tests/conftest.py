"""Settings shared by every test: tests never touch the development databases.

Fuzzing depth: the contract fuzzers run the ``ci`` Hypothesis profile (100 examples per operation,
derandomized: the same cases every run, so CI is reproducible); ``HYPOTHESIS_PROFILE=deep pytest
-m contract`` runs 500 random ones per operation for a longer hunt.
"""

import os

from hypothesis import HealthCheck, settings

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
