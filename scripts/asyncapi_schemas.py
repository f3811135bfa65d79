"""Print the payload schemas of an AsyncAPI document as one JSON Schema (``$defs``).

datamodel-code-generator reads JSON Schema, not AsyncAPI; this keeps ``components.schemas``
as they are and rewrites ``#/components/schemas/X`` references to ``#/$defs/X``.
"""

import json
import sys

import yaml


def rewrite_refs(node):
    if isinstance(node, dict):
        return {
            key: (value.replace("#/components/schemas/", "#/$defs/") if key == "$ref" else rewrite_refs(value))
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [rewrite_refs(item) for item in node]
    return node


def main(path: str) -> None:
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    schemas = document.get("components", {}).get("schemas", {})
    json_schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": document["info"]["title"],
        "$defs": rewrite_refs(dict(sorted(schemas.items()))),
    }
    json.dump(json_schema, sys.stdout, indent=2, sort_keys=False)


if __name__ == "__main__":
    main(sys.argv[1])
