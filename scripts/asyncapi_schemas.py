"""Print the payload schemas of an AsyncAPI document as an OpenAPI 3.1 components document.

datamodel-code-generator reads OpenAPI, not AsyncAPI; AsyncAPI 3 payload schemas are JSON
Schema, which OpenAPI 3.1 takes as they are, and ``#/components/schemas/X`` references keep
pointing at the same place, so the schemas are copied unchanged.
"""

import json
import sys

import yaml


def main(path: str) -> None:
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    schemas = document.get("components", {}).get("schemas", {})
    openapi = {
        "openapi": "3.1.0",
        "info": {"title": document["info"]["title"], "version": document["info"]["version"]},
        "paths": {},
        "components": {"schemas": dict(sorted(schemas.items()))},
    }
    json.dump(openapi, sys.stdout, indent=2)


if __name__ == "__main__":
    main(sys.argv[1])
