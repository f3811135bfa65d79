"""The connexion app of a REST service on MongoDB (user, payment): one recipe, one place.

``contract_app`` serves ``contracts/openapi/<contract>`` with strict request validation,
problem+json for every error (a 503 while the database cannot serve), 405 for undeclared methods,
and ``context`` values handed to operation functions by parameter name. ``mongo_lifespan`` connects
beanie for the app's lifetime and runs the outbox relay for the documents that record events.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from beanie import Document
from connexion import AsyncApp
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import MiddlewarePosition
from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

from handlers.common.context import ContextValues
from handlers.common.doc_lock import LockTimeout
from handlers.common.method_guard import MethodGuard, declared_methods
from handlers.common.mongo import unavailable
from handlers.common.outbox_relay import OutboxOptions, running_outbox_relay
from handlers.common.problems import (
    ServiceUnavailable,
    install_problem_handlers,
    problem_response,
    unexpected,
)
from handlers.common.request_limits import BodyLimits, RequestLimits
from handlers.common.settings import REPO_ROOT
from handlers.common.validation import VALIDATOR_MAP

SPEC_DIR = REPO_ROOT / "contracts" / "openapi"
Lifespan = Callable[[AsyncApp], Any]


def mongo_lifespan(
    connect: Callable[[], Awaitable[AsyncMongoClient]],
    relay_to: str | None,
    outbox_documents: Sequence[type[Document]],
    on_start: Callable[[], Awaitable[None]] | None = None,
    outbox: OutboxOptions | None = None,
) -> Lifespan:
    """Connect, run ``on_start``, relay outbox events to ``relay_to`` (an AMQP URL; None: no relay)
    with ``outbox`` options."""

    @asynccontextmanager
    async def lifespan(_app: AsyncApp) -> AsyncIterator[None]:
        client = await connect()
        try:
            if on_start is not None:
                await on_start()
            async with AsyncExitStack() as stack:
                if relay_to is not None:
                    await stack.enter_async_context(running_outbox_relay(relay_to, outbox_documents, outbox))
                yield
        finally:
            await client.close()

    return lifespan


def _store_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """A database that cannot serve now is a 503 problem with ``Retry-After``, not a 500."""
    if not unavailable(exc):
        return unexpected(request, exc)
    problem = ServiceUnavailable("The database is unavailable; try again.")
    return problem_response(problem.status, problem.title, problem.detail, problem.type)


def contract_app(
    import_name: str,
    contract: str,
    lifespan: Lifespan,
    validate_responses: bool,
    security: dict[str, type],
    **context: Any,
) -> AsyncApp:
    """``security`` is the app's own bearer-token check (``handlers.common.rest_auth.security_map``)."""
    app = AsyncApp(import_name, specification_dir=SPEC_DIR, lifespan=lifespan, security_map=security)
    app.add_api(
        contract,
        strict_validation=True,
        validate_responses=validate_responses,
        validator_map=VALIDATOR_MAP,
    )
    install_problem_handlers(app)
    for error in (PyMongoError, LockTimeout):
        app.add_error_handler(error, _store_error)
    app.add_middleware(
        MethodGuard,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        routes=declared_methods(SPEC_DIR / contract),
    )
    app.add_middleware(ContextValues, position=MiddlewarePosition.BEFORE_EXCEPTION, **context)
    app.add_middleware(
        RequestLimits,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        limits=BodyLimits.from_settings(context["settings"]),
    )
    return app
