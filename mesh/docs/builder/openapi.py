"""REST contracts: each one bundled into a single JSON document (the shared ``components.yaml``
parts it refers to copied into its own components) and a Swagger UI page that renders it."""

from pathlib import Path

from openapi_spec_validator import validate

from mesh.docs import vendor
from mesh.docs.builder.catalog import BuildError, Entry, Site, first_paragraph, load_yaml, to_json
from mesh.docs.builder.html import page, text

SHARED = "components.yaml"
# Swagger UI's "Try it out" calls the first server; the portal's CSP allows only its own origin, which
# is the gateway's when the portal is reached through it. The contract's own servers follow.
SAME_ORIGIN = {"url": "/", "description": "the gateway serving this page (same origin)"}


class Bundler:
    def __init__(self, spec: Path):
        self.spec = spec.resolve()
        self.documents = {self.spec: load_yaml(spec)}
        self.sources: dict[tuple[str, str], Path] = {}
        self.adopted: dict[tuple[str, str], object] = {}

    def bundle(self) -> dict:
        bundled = self.walk(self.documents[self.spec], self.spec)
        if not isinstance(bundled, dict):
            raise BuildError(f"{self.spec.name}: an OpenAPI document must be a mapping")
        components = bundled.setdefault("components", {})
        for (kind, name), component in sorted(self.adopted.items()):
            shelf = components.setdefault(kind, {})
            if name in shelf:
                raise BuildError(
                    f"{self.spec.name}: components/{kind}/{name} is defined both here and in "
                    f"{self.sources[kind, name].name}"
                )
            shelf[name] = component
        return bundled

    def walk(self, node: object, origin: Path) -> object:
        if isinstance(node, list):
            return [self.walk(item, origin) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            target, _, pointer = ref.partition("#")
            source = (origin.parent / target).resolve() if target else origin
            if source != self.spec:
                self.adopt(source, pointer)
                return {**node, "$ref": f"#{pointer}"}
        return {key: self.walk(value, origin) for key, value in node.items()}

    def adopt(self, source: Path, pointer: str) -> None:
        """Copies the component at ``source#pointer`` (and what it refers to) into this document."""
        parts = pointer.strip("/").split("/")
        where = f"{self.spec.name}: $ref {source.name}#{pointer}"
        if len(parts) != 3 or parts[0] != "components":
            raise BuildError(f"{where}: only references to #/components/<kind>/<name> can be bundled")
        key = (parts[1], parts[2])
        if key in self.sources:
            if self.sources[key] != source:
                raise BuildError(f"{where}: components/{key[0]}/{key[1]} comes from two files")
            return
        if source not in self.documents:
            self.documents[source] = load_yaml(source)
        try:
            component = self.documents[source]["components"][key[0]][key[1]]
        except KeyError:
            raise BuildError(f"{where}: no such component") from None
        self.sources[key] = source
        self.adopted[key] = self.walk(component, source)


def operations(document: dict) -> list[tuple[str, str]]:
    methods = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
    return [
        (method.upper(), route)
        for route, item in document.get("paths", {}).items()
        for method in item
        if method in methods
    ]


def build(contracts: Path, site: Site) -> None:
    for spec in sorted((contracts / "openapi").glob("*.yaml")):
        if spec.name == SHARED:
            continue
        name = spec.stem
        bundled = Bundler(spec).bundle()
        bundled["servers"] = [SAME_ORIGIN, *bundled.get("servers", [])]
        try:
            validate(bundled)
        except Exception as exc:  # the validator's errors share no base class worth naming
            raise BuildError(f"{spec.name}: the bundled document is not valid OpenAPI: {exc}") from exc
        json_url = site.add(f"openapi/{name}.json", to_json(bundled))
        body = (
            f'<main class="renderer" id="swagger-ui" data-spec="{text(json_url)}">'
            f'<p class="loading">Loading Swagger UI for {text(spec.name)}…</p></main>'
        )
        html_url = site.add(
            f"openapi/{name}.html",
            page(
                bundled["info"]["title"],
                body,
                styles=(vendor.url("swagger-ui", "swagger-ui.css"),),
                scripts=(
                    "/docs/static/portal.js",
                    vendor.url("swagger-ui", "swagger-ui-bundle.js"),
                    "/docs/static/swagger.js",
                ),
            ),
        )
        info = bundled["info"]
        site.entries.append(
            Entry(
                kind="REST (OpenAPI)",
                title=info["title"],
                version=info["version"],
                summary=first_paragraph(info.get("description")),
                source=f"openapi/{spec.name}",
                links=(
                    ("Swagger UI", html_url),
                    (f"bundled JSON ({len(operations(bundled))} operations)", json_url),
                    (spec.name, f"/docs/contracts/openapi/{spec.name}"),
                    (SHARED, f"/docs/contracts/openapi/{SHARED}"),
                ),
            )
        )
