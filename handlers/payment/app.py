"""``create_app(settings)``: the payment service as an ASGI app (connexion 3, MongoDB via beanie)."""

from connexion import AsyncApp
from pymongo import AsyncMongoClient

from handlers.common.auth import TokenVerifier
from handlers.common.mongo import connect_beanie
from handlers.common.mongo_rest_app import contract_app, mongo_lifespan
from handlers.common.outbox_relay import OutboxOptions
from handlers.common.rest_auth import security_map
from handlers.payment.models import DOCUMENT_MODELS, Payment, Refund
from handlers.payment.processor import SimulatedProcessor
from handlers.payment.processor_ledger import MongoProcessorLedger, ProcessorRecord
from handlers.payment.settings import PaymentSettings


async def connect(settings: PaymentSettings) -> AsyncMongoClient:
    """beanie over the service's documents and the simulated processor's records (same database)."""
    return await connect_beanie(settings, settings.mongo_db, [*DOCUMENT_MODELS, ProcessorRecord])


def create_app(settings: PaymentSettings | None = None) -> AsyncApp:
    settings = settings or PaymentSettings()
    processor = SimulatedProcessor(
        MongoProcessorLedger(), settings.processor_latency_ms / 1000, settings.processor_timeout_seconds
    )
    lifespan = mongo_lifespan(
        lambda: connect(settings),
        settings.amqp_url if settings.outbox_relay else None,
        [Payment, Refund],
        outbox=OutboxOptions.of(settings),
    )
    return contract_app(
        __name__,
        "payment.yaml",
        lifespan,
        settings.validate_responses,
        security_map(TokenVerifier.from_settings(settings), audience="payment"),
        settings=settings,
        processor=processor,
    )
