"""The portal's front page: one card per contract, in the order the builders found them."""

from mesh.docs.builder.catalog import Entry
from mesh.docs.builder.html import links, page, text


def card(entry: Entry) -> str:
    return (
        f'<article class="contract"><p class="kind">{text(entry.kind)}'
        f" · version <code>{text(entry.version)}</code>"
        f" · <code>contracts/{text(entry.source)}</code></p>"
        f"<h2>{text(entry.title)}</h2><p>{text(entry.summary)}</p>"
        f'<p class="links">{links(list(entry.links))}</p></article>'
    )


def render(entries: list[Entry]) -> str:
    body = (
        '<main class="reference"><h1>CineMesh API contracts</h1>'
        "<p>Every interface of the mesh, rendered from the contracts in <code>contracts/</code> "
        "(the source of truth; <code>make generate</code> rebuilds these pages). Through the gateway "
        "(<code>http://127.0.0.1:8000</code>) the REST paths and <code>/graphql</code> answer on this "
        "same origin.</p>"
        f"{''.join(card(entry) for entry in entries)}</main>"
    )
    return page("contracts", body)
