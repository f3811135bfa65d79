"""AsyncAPI contracts: a page the AsyncAPI renderer (@asyncapi/react-component) draws from the
contract, which the page carries as JSON data (no inline script)."""

from pathlib import Path

from mesh.docs import vendor
from mesh.docs.builder.catalog import Entry, Site, first_paragraph, load_yaml, to_json
from mesh.docs.builder.html import page


def build(contracts: Path, site: Site) -> None:
    for spec in sorted((contracts / "asyncapi").glob("*.yaml")):
        document = load_yaml(spec)
        info = document["info"]
        data = to_json(document).replace("</", "<\\/")
        body = (
            '<main class="renderer" id="asyncapi">'
            '<p class="loading">Loading the AsyncAPI renderer…</p></main>'
            f'<script type="application/json" id="asyncapi-document">\n{data}</script>'
        )
        html_url = site.add(
            f"asyncapi/{spec.stem}.html",
            page(
                info["title"],
                body,
                styles=(vendor.url("asyncapi", "default.min.css"),),
                scripts=(
                    "/docs/static/portal.js",
                    vendor.url("asyncapi", "index.js"),
                    "/docs/static/asyncapi.js",
                ),
            ),
        )
        channels = document.get("channels", {})
        site.entries.append(
            Entry(
                kind="Events (AsyncAPI)",
                title=info["title"],
                version=info["version"],
                summary=first_paragraph(info.get("description")),
                source=f"asyncapi/{spec.name}",
                links=(
                    (f"AsyncAPI docs ({len(channels)} channels)", html_url),
                    (spec.name, f"/docs/contracts/asyncapi/{spec.name}"),
                ),
            )
        )
