"""Benchmarks (not tests): ``python -m bench`` runs every ``bench/<name>.py`` exposing ``main()``."""
