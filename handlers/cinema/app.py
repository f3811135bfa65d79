"""The cinema REST app (connexion, spec-first from contracts/openapi/cinema.yaml)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from connexion import AsyncApp
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Receive, Scope, Send

from handlers.cinema.api.common import ENGINE_KEY
from handlers.cinema.db import UNAVAILABLE_ERRORS, make_engine, unavailable
from handlers.cinema.method_guard import MethodGuard, declared_methods
from handlers.cinema.settings import CinemaSettings
from handlers.common.auth import TokenVerifier
from handlers.common.problems import PROBLEM_BASE, install_problem_handlers, problem_response, unexpected
from handlers.common.request_limits import BodyLimits, RequestLimits
from handlers.common.rest_auth import security_map
from handlers.common.settings import REPO_ROOT
from handlers.common.validation import VALIDATOR_MAP

SPEC_DIR = REPO_ROOT / "contracts" / "openapi"


class _WithEngine:
    """Puts the process's engine into every request's ``scope["state"]``."""

    def __init__(self, app: ASGIApp, engine: AsyncEngine):
        self.app, self.engine = app, engine

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope.setdefault("state", {})[ENGINE_KEY] = self.engine
        await self.app(scope, receive, send)


def _database_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    if not unavailable(exc):
        return unexpected(request, exc)
    return problem_response(
        503,
        "Service Unavailable",
        "The cinema database is unavailable.",
        PROBLEM_BASE + "service-unavailable",
    )


def create_app(settings: CinemaSettings | None = None, engine: AsyncEngine | None = None) -> ASGIApp:
    """The ASGI app; it disposes the engine at shutdown unless the caller passed its own."""
    settings = settings or CinemaSettings()
    owned = engine is None
    engine = engine or make_engine(settings)

    @asynccontextmanager
    async def lifespan(_app: AsyncApp) -> AsyncIterator[None]:
        yield
        if owned:
            await engine.dispose()

    security = security_map(TokenVerifier.from_settings(settings), audience="cinema")
    app = AsyncApp(__name__, specification_dir=SPEC_DIR, lifespan=lifespan, security_map=security)
    app.add_api(
        "cinema.yaml",
        strict_validation=True,
        validate_responses=settings.validate_responses,
        validator_map=VALIDATOR_MAP,
    )
    install_problem_handlers(app)
    for error in (*UNAVAILABLE_ERRORS, DBAPIError):
        app.add_error_handler(error, _database_error)
    guarded = MethodGuard(app, declared_methods(SPEC_DIR / "cinema.yaml"))
    return _WithEngine(RequestLimits(guarded, BodyLimits.from_settings(settings)), engine)
