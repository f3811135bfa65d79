"""protoc's descriptors of the gRPC contracts (``contracts/proto``), and the contracts' own field
options in them (``contracts/proto/cinemesh/v1/limits.proto``): the docs portal shows a field's bounds
(``mesh.docs.builder.proto``) and ``scripts/proto_item_counts.py`` turns them into constants."""

import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

from google.protobuf import descriptor_pool, message_factory
from google.protobuf.descriptor_pb2 import DescriptorProto, FieldDescriptorProto, FileDescriptorSet
from grpc_tools import protoc

ITEM_COUNT = "cinemesh.v1.item_count"


class UnreadableProto(Exception):
    """protoc refused the contracts."""


def proto_files(proto_root: Path) -> list[str]:
    return sorted(str(path.relative_to(proto_root)) for path in proto_root.rglob("*.proto"))


def descriptors(proto_root: Path, files: list[str]) -> FileDescriptorSet:
    """``files`` and everything they import, with their comments (source info)."""
    include = resources.files("grpc_tools") / "_proto"
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "descriptors.pb"
        args = ["protoc", f"-I{proto_root}", f"-I{include}", "--include_source_info", "--include_imports"]
        if protoc.main([*args, f"--descriptor_set_out={out}", *files]) != 0:
            raise UnreadableProto(f"protoc could not read {', '.join(files)}")
        return FileDescriptorSet.FromString(out.read_bytes())


class FieldBounds:
    """The ``(cinemesh.v1.item_count)`` of fields of ``files`` (a descriptor set with its imports)."""

    def __init__(self, files: FileDescriptorSet):
        pool = descriptor_pool.DescriptorPool()
        for file in files.file:
            pool.Add(file)
        self._options = message_factory.GetMessageClass(
            pool.FindMessageTypeByName("google.protobuf.FieldOptions")
        )
        self._item_count: Any  # an extension of a pool built at run time: protobuf's stubs cannot type it
        try:
            self._item_count = pool.FindExtensionByName(ITEM_COUNT)
        except KeyError:  # no contract imports limits.proto
            self._item_count = None

    def item_count(self, field: FieldDescriptorProto) -> tuple[int, int] | None:
        """``(min, max)``, both included, when the contract bounds ``field``."""
        if self._item_count is None:
            return None
        options = self._options.FromString(field.options.SerializeToString())
        if not options.HasExtension(self._item_count):
            return None
        bounds: Any = options.Extensions[self._item_count]
        return bounds.min, bounds.max

    def item_counts(
        self, message: DescriptorProto, names: tuple[str, ...] = ()
    ) -> dict[tuple[str, ...], tuple[int, int]]:
        """Every bounded field of ``message`` and its nested messages, by (message names..., field)."""
        found = {}
        for field in message.field:
            if (bounds := self.item_count(field)) is not None:
                found[(*names, message.name, field.name)] = bounds
        for nested in message.nested_type:
            found |= self.item_counts(nested, (*names, message.name))
        return found
