"""Settings shared by every test: tests never touch the development databases."""

import os

os.environ.setdefault("CINEMESH_ENV", "test")
