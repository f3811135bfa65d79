"""``create_app(settings)``: the payment service as an ASGI app (connexion 3, MongoDB via beanie)."""

from contextlib import AsyncExitStack, asynccontextmanager

from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition
from pymongo import AsyncMongoClient

from handlers.common.context import ContextValues
from handlers.common.method_guard import MethodGuard, declared_methods
from handlers.common.mongo import connect_beanie
from handlers.common.outbox_relay import running_outbox_relay
from handlers.common.problems import install_problem_handlers
from handlers.common.settings import REPO_ROOT
from handlers.common.validation import VALIDATOR_MAP
from handlers.payment.models import DOCUMENT_MODELS, Payment, Refund
from handlers.payment.processor import SimulatedProcessor
from handlers.payment.settings import PaymentSettings

SPEC_DIR = REPO_ROOT / "contracts" / "openapi"


async def connect(settings: PaymentSettings) -> AsyncMongoClient:
    return await connect_beanie(settings.mongo_url, settings.mongo_db, DOCUMENT_MODELS)


def create_app(settings: PaymentSettings | None = None) -> AsyncApp:
    settings = settings or PaymentSettings()
    processor = SimulatedProcessor(settings.processor_latency_ms / 1000, settings.processor_timeout_seconds)

    @asynccontextmanager
    async def lifespan(_app):
        client = await connect(settings)
        try:
            async with AsyncExitStack() as stack:
                if settings.outbox_relay:
                    await stack.enter_async_context(
                        running_outbox_relay(settings.amqp_url, [Payment, Refund])
                    )
                yield
        finally:
            await client.close()

    app = AsyncApp(__name__, specification_dir=SPEC_DIR, lifespan=lifespan)
    app.add_api(
        "payment.yaml",
        strict_validation=True,
        validate_responses=settings.validate_responses,
        validator_map=VALIDATOR_MAP,
    )
    install_problem_handlers(app)
    app.add_middleware(
        MethodGuard,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        routes=declared_methods(SPEC_DIR / "payment.yaml"),
    )
    app.add_middleware(
        ContextValues, position=MiddlewarePosition.BEFORE_EXCEPTION, settings=settings, processor=processor
    )
    return app
