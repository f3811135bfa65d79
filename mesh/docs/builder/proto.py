"""Protobuf contracts: a page per .proto file from its descriptors with source info (protoc
``--include_source_info``), so every service, RPC, message, field and enum shows its comments."""

from pathlib import Path

from google.protobuf.descriptor_pb2 import (
    DescriptorProto,
    EnumDescriptorProto,
    FieldDescriptorProto,
    FileDescriptorProto,
    SourceCodeInfo,
)

from mesh.docs.builder.catalog import BuildError, Entry, Site, first_paragraph
from mesh.docs.builder.html import description, links, page, text
from mesh.proto_descriptors import FieldBounds, UnreadableProto, descriptors, proto_files

# FileDescriptorProto / DescriptorProto / ... field numbers, as SourceCodeInfo paths use them
PACKAGE, MESSAGE, ENUM, SERVICE, SYNTAX = 2, 4, 5, 6, 12
MSG_FIELD, MSG_NESTED, MSG_ENUM = 2, 3, 4
ENUM_VALUE, METHOD = 2, 2


class Comments:
    def __init__(self, info: SourceCodeInfo):
        self.locations = {tuple(location.path): location for location in info.location}

    def leading(self, *path: int) -> str:
        location = self.locations.get(path)
        return (
            "\n".join(filter(None, [location.leading_comments, location.trailing_comments]))
            if location
            else ""
        )

    def header(self) -> str:
        """The file's own comment: the detached blocks above ``syntax`` and ``package``."""
        blocks = []
        for path in ((SYNTAX,), (PACKAGE,)):
            location = self.locations.get(path)
            if location:
                blocks += [*location.leading_detached_comments, location.leading_comments]
        return "\n".join(block for block in blocks if block.strip())


def dedent(comment: str) -> str:
    return "\n".join(line[1:] if line.startswith(" ") else line for line in comment.splitlines())


def doc(comment: str) -> str:
    return description(dedent(comment))


class Renderer:
    def __init__(self, file: FileDescriptorProto, bounds: FieldBounds):
        self.file = file
        self.bounds = bounds
        self.comments = Comments(file.source_code_info)
        self.prefix = f".{file.package}." if file.package else "."
        self.maps: dict[str, tuple[FieldDescriptorProto, FieldDescriptorProto]] = {}

    def type_link(self, type_name: str) -> str:
        if type_name.startswith(self.prefix):
            local = type_name.removeprefix(self.prefix)
            return f'<a href="#{text(local)}">{text(local)}</a>'
        return text(type_name.lstrip("."))

    def field_type(self, field: FieldDescriptorProto) -> str:
        if field.type_name in self.maps:
            key, value = self.maps[field.type_name]
            return f"map&lt;{self.field_type(key)}, {self.field_type(value)}&gt;"
        if field.type in (FieldDescriptorProto.TYPE_MESSAGE, FieldDescriptorProto.TYPE_ENUM):
            shown = self.type_link(field.type_name)
        else:
            shown = FieldDescriptorProto.Type.Name(field.type).removeprefix("TYPE_").lower()
        if field.label == FieldDescriptorProto.LABEL_REPEATED:
            return f"repeated {shown}"
        return f"optional {shown}" if field.proto3_optional else shown

    def collect_maps(self, message: DescriptorProto, scope: str) -> None:
        for nested in message.nested_type:
            name = f"{scope}.{nested.name}"
            if nested.options.map_entry:
                self.maps[name] = (nested.field[0], nested.field[1])
            self.collect_maps(nested, name)

    def enum(self, enum: EnumDescriptorProto, path: tuple[int, ...], name: str) -> str:
        values = "".join(
            f"<tr><td><code>{text(value.name)}</code></td><td>{value.number}</td>"
            f"<td>{doc(self.comments.leading(*path, ENUM_VALUE, index))}</td></tr>"
            for index, value in enumerate(enum.value)
        )
        return (
            f'<section class="type" id="{text(name)}"><h3><span class="kind">enum</span> {text(name)}</h3>'
            f"{doc(self.comments.leading(*path))}"
            f"<table><tr><th>value</th><th>number</th><th>meaning</th></tr>{values}</table></section>"
        )

    def message(self, message: DescriptorProto, path: tuple[int, ...], name: str) -> str:
        if message.options.map_entry:
            return ""
        rows = []
        for index, field in enumerate(message.field):
            oneof = ""
            if field.HasField("oneof_index") and not field.proto3_optional:
                oneof = f' <span class="kind">oneof {text(message.oneof_decl[field.oneof_index].name)}</span>'
            rows.append(
                f"<tr><td><code>{text(field.name)}</code>{oneof}</td><td><code>{self.field_type(field)}</code></td>"
                f"<td>{field.number}</td><td>{doc(self.comments.leading(*path, MSG_FIELD, index))}"
                f"{self.item_count(field)}</td></tr>"
            )
        table = (
            f"<table><tr><th>field</th><th>type</th><th>number</th><th>meaning</th></tr>{''.join(rows)}</table>"
            if rows
            else "<p>No fields.</p>"
        )
        nested = "".join(
            self.message(child, (*path, MSG_NESTED, index), f"{name}.{child.name}")
            for index, child in enumerate(message.nested_type)
        ) + "".join(
            self.enum(child, (*path, MSG_ENUM, index), f"{name}.{child.name}")
            for index, child in enumerate(message.enum_type)
        )
        return (
            f'<section class="type" id="{text(name)}"><h3><span class="kind">message</span> {text(name)}</h3>'
            f"{doc(self.comments.leading(*path))}{table}</section>{nested}"
        )

    def item_count(self, field: FieldDescriptorProto) -> str:
        bounds = self.bounds.item_count(field)
        return f'<p class="bounds">{bounds[0]} to {bounds[1]} items</p>' if bounds else ""

    def service(self, index: int) -> str:
        service = self.file.service[index]
        full = f"{self.file.package}.{service.name}" if self.file.package else service.name
        rpcs = []
        for number, method in enumerate(service.method):
            request = ("stream " if method.client_streaming else "") + self.type_link(method.input_type)
            response = ("stream " if method.server_streaming else "") + self.type_link(method.output_type)
            rpcs.append(
                f'<li class="rpc" id="{text(service.name)}.{text(method.name)}">'
                f"<code>rpc {text(method.name)}({request}) returns ({response})</code>"
                f'<p class="path"><code>/{text(full)}/{text(method.name)}</code></p>'
                f"{doc(self.comments.leading(SERVICE, index, METHOD, number))}</li>"
            )
        return (
            f'<section class="service" id="{text(service.name)}"><h2><span class="kind">service</span> '
            f"{text(full)}</h2>{doc(self.comments.leading(SERVICE, index))}"
            f'<ul class="members">{"".join(rpcs)}</ul></section>'
        )

    def render(self, raw_url: str) -> str:
        for message in self.file.message_type:
            self.collect_maps(message, f"{self.prefix}{message.name}")
        services = "".join(self.service(index) for index in range(len(self.file.service)))
        messages = "".join(
            self.message(message, (MESSAGE, index), message.name)
            for index, message in enumerate(self.file.message_type)
        )
        enums = "".join(
            self.enum(enum, (ENUM, index), enum.name) for index, enum in enumerate(self.file.enum_type)
        )
        toc = links(
            [(service.name, f"#{service.name}") for service in self.file.service]
            + [(self.file.name, raw_url)]
        )
        return (
            f'<main class="reference"><h1>{text(self.file.name)}</h1>'
            f'<p class="toc">package <code>{text(self.file.package)}</code> · {toc}</p>'
            f"{doc(self.comments.header())}{services}<h2>Messages</h2>{messages}<h2>Enums</h2>{enums}</main>"
        )


def build(contracts: Path, site: Site) -> None:
    proto_root = contracts / "proto"
    files = proto_files(proto_root)
    if not files:
        return
    try:
        found = descriptors(proto_root, files)
    except UnreadableProto as exc:
        raise BuildError(str(exc)) from exc
    bounds = FieldBounds(found)
    for file in (file for file in found.file if file.name in files):
        raw_url = f"/docs/contracts/proto/{file.name}"
        html_url = site.add(
            f"proto/{file.name.removesuffix('.proto')}.html",
            page(file.name, Renderer(file, bounds).render(raw_url)),
        )
        services = [service.name for service in file.service]
        rpcs = sum(len(service.method) for service in file.service)
        site.entries.append(
            Entry(
                kind="gRPC (protobuf)",
                title=", ".join(f"{file.package}.{name}" for name in services) or file.name,
                version=file.package,
                summary=first_paragraph(dedent(Comments(file.source_code_info).header())),
                source=f"proto/{file.name}",
                links=((f"service reference ({rpcs} RPCs)", html_url), (file.name, raw_url)),
            )
        )
