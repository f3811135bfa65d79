"""GraphQL contracts: a schema reference page (every root field and type, with descriptions, no
script needed), the introspection result the GraphiQL page loads its schema from, and that page
(queries run against ``/graphql`` on the same origin: the gateway's)."""

import re
from pathlib import Path

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLType,
    GraphQLUnionType,
    Undefined,
    ast_from_value,
    build_schema,
    get_named_type,
    introspection_from_schema,
    is_introspection_type,
    is_specified_scalar_type,
    print_ast,
)

from mesh.docs import vendor
from mesh.docs.builder.catalog import Entry, Site, first_paragraph, to_json
from mesh.docs.builder.html import description, links, page, text

ENDPOINT = "/graphql"
VERSION_LINE = re.compile(r"^#\s*version:\s*(\S+)", re.MULTILINE)


def type_ref(gql_type: GraphQLType) -> str:
    named = get_named_type(gql_type)
    shown = text(str(gql_type))
    if is_specified_scalar_type(named):
        return shown
    return shown.replace(text(named.name), f'<a href="#{text(named.name)}">{text(named.name)}</a>', 1)


def argument(name: str, arg: GraphQLArgument) -> str:
    default = ""
    if arg.default_value is not Undefined:
        default_ast = ast_from_value(arg.default_value, arg.type)
        default = f" = {text(print_ast(default_ast))}" if default_ast else ""
    return f"{text(name)}: {type_ref(arg.type)}{default}"


def field(owner: str, name: str, definition: GraphQLField | GraphQLInputField) -> str:
    args = ", ".join(argument(arg_name, arg) for arg_name, arg in getattr(definition, "args", {}).items())
    signature = f"{text(name)}({args})" if args else text(name)
    deprecated = (
        f'<p class="deprecated">Deprecated: {text(definition.deprecation_reason)}</p>'
        if definition.deprecation_reason
        else ""
    )
    return (
        f'<li class="field" id="{text(owner)}.{text(name)}"><code>{signature}: '
        f"{type_ref(definition.type)}</code>{deprecated}{description(definition.description)}</li>"
    )


def members(named: GraphQLNamedType) -> str:
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
        return "".join(field(named.name, name, value) for name, value in named.fields.items())
    if isinstance(named, GraphQLEnumType):
        return "".join(
            f"<li><code>{text(name)}</code>{description(value.description)}</li>"
            for name, value in named.values.items()
        )
    if isinstance(named, GraphQLUnionType):
        return "".join(f"<li><code>{type_ref(member)}</code></li>" for member in named.types)
    return ""


def kind(named: GraphQLNamedType) -> str:
    return {
        GraphQLObjectType: "type",
        GraphQLInterfaceType: "interface",
        GraphQLInputObjectType: "input",
        GraphQLEnumType: "enum",
        GraphQLUnionType: "union",
    }.get(type(named), "scalar")


def section(named: GraphQLNamedType) -> str:
    listed = members(named)
    return (
        f'<section class="type" id="{text(named.name)}"><h3><span class="kind">{kind(named)}</span> '
        f"{text(named.name)}</h3>{description(named.description)}"
        + (f'<ul class="members">{listed}</ul>' if listed else "")
        + "</section>"
    )


def reference(schema: GraphQLSchema, title: str, graphiql_url: str, raw_url: str) -> str:
    roots = [root for root in (schema.query_type, schema.mutation_type, schema.subscription_type) if root]
    others = [
        named
        for named in schema.type_map.values()
        if named not in roots and not is_introspection_type(named) and not is_specified_scalar_type(named)
    ]
    toc = links(
        [(root.name, f"#{root.name}") for root in roots] + [("GraphiQL", graphiql_url), ("SDL", raw_url)]
    )
    return (
        f'<main class="reference"><h1>{text(title)}</h1><p class="toc">{toc}</p>'
        f"{description(schema.description)}"
        f"<h2>Operations</h2>{''.join(section(root) for root in roots)}"
        f"<h2>Types</h2>{''.join(section(named) for named in others)}</main>"
    )


def build(contracts: Path, site: Site) -> None:
    for sdl_path in sorted((contracts / "graphql").glob("*.graphql")):
        name = sdl_path.stem
        sdl = sdl_path.read_text()
        schema = build_schema(sdl)
        version = VERSION_LINE.search(sdl)
        title = f"CineMesh {name} GraphQL API"
        raw_url = f"/docs/contracts/graphql/{sdl_path.name}"
        introspection_url = site.add(
            f"graphql/{name}.introspection.json", to_json(introspection_from_schema(schema))
        )
        graphiql_body = (
            f'<main class="renderer" id="graphiql" data-introspection="{text(introspection_url)}" '
            f'data-endpoint="{ENDPOINT}"><p class="loading">Loading GraphiQL…</p></main>'
        )
        graphiql_url = site.add(
            f"graphql/{name}.graphiql.html",
            page(
                f"{title} (GraphiQL)",
                graphiql_body,
                styles=(vendor.url("graphiql", "graphiql.min.css"),),
                scripts=(
                    "/docs/static/portal.js",
                    vendor.url("react", "react.production.min.js"),
                    vendor.url("react-dom", "react-dom.production.min.js"),
                    vendor.url("graphiql", "graphiql.min.js"),
                    "/docs/static/graphiql.js",
                ),
            ),
        )
        reference_url = site.add(
            f"graphql/{name}.html", page(title, reference(schema, title, graphiql_url, raw_url))
        )
        roots = [root for root in (schema.query_type, schema.mutation_type) if root]
        counts = ", ".join(f"{len(root.fields)} {root.name} fields" for root in roots)
        site.entries.append(
            Entry(
                kind="GraphQL",
                title=title,
                version=version.group(1) if version else "unversioned",
                summary=first_paragraph(schema.description),
                source=f"graphql/{sdl_path.name}",
                links=(
                    (f"schema reference ({counts})", reference_url),
                    ("GraphiQL", graphiql_url),
                    ("introspection JSON", introspection_url),
                    (sdl_path.name, raw_url),
                ),
            )
        )
