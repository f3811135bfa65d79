"""The portal's ASGI app: ``GET /docs`` (the index), the generated pages under ``/docs/``, the raw
contracts under ``/docs/contracts/``, the renderers under ``/docs/vendor/`` and ``GET /health``.

Every answer carries its own Content-Security-Policy (scripts and styles from this origin only), so
the gateway's stricter API policy, which is added only where a response has none, leaves the pages
working. The pages' own scripts are files (``mesh/docs/static/``): no inline script is allowed.
"""

from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from mesh.default_headers import DefaultHeaders
from mesh.docs import vendor
from mesh.docs.settings import DocsSettings

STATIC_DIR = Path(__file__).parent / "static"
RAW_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".graphql", ".proto"})
POLICY = (
    "default-src 'self'; script-src 'self'{eval}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The AsyncAPI renderer compiles the contract's JSON Schemas with ajv (new Function): those pages alone
# may evaluate strings.
EVAL_PAGES = "/docs/asyncapi/"
OTHER_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


def security_headers(path: str) -> list[tuple[bytes, bytes]]:
    policy = POLICY.format(eval=" 'unsafe-eval'" if path.startswith(EVAL_PAGES) else "")
    return [(b"content-security-policy", policy.encode()), *OTHER_HEADERS]


def create_app(settings: DocsSettings) -> Starlette:
    pages = settings.pages_dir.resolve()
    contracts = settings.contracts_dir.resolve()

    async def health(_: Request) -> Response:
        ready = (pages / "index.html").is_file()
        body = {
            "status": "ok" if ready else "no pages (run make generate)",
            "renderers": vendor.installed(settings.node_modules),
        }
        return JSONResponse(body, 200 if ready else 503)

    async def index(_: Request) -> Response:
        return FileResponse(pages / "index.html", media_type="text/html; charset=utf-8")

    async def vendor_file(request: Request) -> Response:
        file = vendor.path(request.path_params["package"], request.path_params["name"], settings.node_modules)
        if file is None:
            return PlainTextResponse("renderer not installed (npm ci installs it)", 404)
        return FileResponse(file)

    async def raw_contract(request: Request) -> Response:
        file = (contracts / request.path_params["path"]).resolve()
        if not file.is_relative_to(contracts) or file.suffix not in RAW_SUFFIXES or not file.is_file():
            return PlainTextResponse("no such contract file", 404)
        return FileResponse(file, media_type="text/plain; charset=utf-8")

    routes = [
        Route("/health", health),
        Route("/docs", index),
        Route("/docs/", index),
        Route("/docs/vendor/{package}/{name}", vendor_file),
        Route("/docs/contracts/{path:path}", raw_contract),
        Mount("/docs/static", StaticFiles(directory=STATIC_DIR)),
        Mount("/docs", StaticFiles(directory=pages, check_dir=False)),
    ]
    app = Starlette(routes=routes)
    app.add_middleware(DefaultHeaders, headers_for=security_headers)
    return app
