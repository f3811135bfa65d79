"""The box office's ASGI app: ``GET /`` (the page), ``/assets/`` (its script and styles) and ``GET /health``.

Every answer carries the page's own Content-Security-Policy: scripts, styles and API calls to this
origin only (the API is the gateway, the same origin), images from this origin or any HTTPS host
(movie posters are URLs in the catalog), nothing framed, no inline script or style. The gateway's
stricter API policy is added only where a response has none. Answers are revalidated on every load
(``no-cache`` with the ETag Starlette's files carry), so a new build is seen at once.
"""

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from mesh.default_headers import DefaultHeaders
from mesh.web.settings import WebSettings

POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-cache"),
]


def create_app(settings: WebSettings) -> Starlette:
    dist = settings.dist_dir.resolve()

    async def health(_: Request) -> Response:
        ready = (dist / "index.html").is_file()
        return JSONResponse({"status": "ok" if ready else "no build (run make web)"}, 200 if ready else 503)

    async def index(_: Request) -> Response:
        return FileResponse(dist / "index.html", media_type="text/html; charset=utf-8")

    routes = [
        Route("/health", health),
        Route("/", index),
        Mount("/assets", StaticFiles(directory=dist / "assets", check_dir=False)),
    ]
    app = Starlette(routes=routes)
    app.add_middleware(DefaultHeaders, headers_for=lambda _path: HEADERS)
    return app
