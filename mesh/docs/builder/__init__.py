"""Builds the docs portal's pages from ``contracts/`` (``make generate`` runs it).

Deterministic: the same contracts give byte-identical pages (no timestamps, contract order).
Uses the dev tooling (graphql-core, grpcio-tools, openapi-spec-validator); the server does not.
"""

from pathlib import Path

from mesh.docs.builder import asyncapi, graphql_sdl, index, openapi, proto
from mesh.docs.builder.catalog import Site


def build_site(contracts: Path) -> Site:
    site = Site()
    for builder in (openapi, graphql_sdl, asyncapi, proto):
        builder.build(contracts, site)
    site.add("index.html", index.render(site.entries))
    return site
