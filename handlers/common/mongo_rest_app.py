"""The connexion app of a REST service on MongoDB (user, payment): one recipe, one place.

``contract_app`` serves ``contracts/openapi/<contract>`` with strict request validation,
problem+json for every error, 405 for undeclared methods, and ``context`` values handed to
operation functions by parameter name. ``mongo_lifespan`` connects beanie for the app's lifetime
and runs the outbox relay for the documents that record events.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from beanie import Document
from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition
from pymongo import AsyncMongoClient

from handlers.common.context import ContextValues
from handlers.common.method_guard import MethodGuard, declared_methods
from handlers.common.outbox_relay import OutboxOptions, running_outbox_relay
from handlers.common.problems import install_problem_handlers
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
