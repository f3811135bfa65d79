"""Writes to stdout a Python module holding the ``(cinemesh.v1.item_count)`` bounds of the gRPC
contracts' repeated fields (contracts/proto/cinemesh/v1/limits.proto).

Each field with the option becomes ``<MESSAGE>_<FIELD>: Final = ItemCount(min=M, max=N)`` (upper snake
case; the module shape of scripts/graphql_item_counts.py), so a server enforcing a bound imports it
from generated/ instead of restating it. Deterministic.
Usage (from the repository root): python -m scripts.proto_item_counts PROTO_ROOT [LABEL]
"""

import sys
from pathlib import Path

from mesh.proto_descriptors import ITEM_COUNT, FieldBounds, descriptors, proto_files
from scripts.graphql_item_counts import _snake, module


def main() -> None:
    root = Path(sys.argv[1])
    label = sys.argv[2] if len(sys.argv) > 2 else str(root)
    files = proto_files(root)
    found = descriptors(root, files)
    bounds = FieldBounds(found)
    counts = {
        _snake(*names): count
        for file in found.file
        if file.name in files
        for message in file.message_type
        for names, count in bounds.item_counts(message).items()
    }
    sys.stdout.write(module(dict(sorted(counts.items())), label, f"({ITEM_COUNT}) bounds of repeated fields"))


if __name__ == "__main__":
    main()
