"""``create_app(settings)``: the user service as an ASGI app (connexion 3, MongoDB via beanie)."""

from connexion import AsyncApp
from pymongo import AsyncMongoClient

from handlers.common.auth import TokenVerifier
from handlers.common.mongo import connect_beanie
from handlers.common.mongo_rest_app import contract_app, mongo_lifespan
from handlers.common.outbox_relay import OutboxOptions
from handlers.common.rest_auth import security_map
from handlers.user.accounts import ensure_admin_from_settings
from handlers.user.models import DOCUMENT_MODELS, User
from handlers.user.settings import UserSettings


async def connect(settings: UserSettings) -> AsyncMongoClient:
    """Connect beanie to the user database (also what seeders and the admin CLI call)."""
    return await connect_beanie(settings, settings.mongo_db, DOCUMENT_MODELS)


def create_app(settings: UserSettings | None = None) -> AsyncApp:
    settings = settings or UserSettings()
    lifespan = mongo_lifespan(
        lambda: connect(settings),
        settings.amqp_url if settings.outbox_relay else None,
        [User],
        on_start=lambda: ensure_admin_from_settings(settings),
        outbox=OutboxOptions.of(settings),
    )
    security = security_map(TokenVerifier.from_settings(settings), audience="user")
    return contract_app(
        __name__, "user.yaml", lifespan, settings.validate_responses, security, settings=settings
    )
