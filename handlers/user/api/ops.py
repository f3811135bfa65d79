"""Operational endpoints: the JWKS and ``/health``."""

from handlers.common import keys
from handlers.common.mongo import ping
from handlers.user.api import json_body
from handlers.user.models import User
from handlers.user.settings import UserSettings


async def jwks(settings: UserSettings):
    # Read on every call so a rotated key directory is published without a restart.
    keyset = keys.jwks(keys.load_public_keys(settings.jwt_keys_dir))
    return json_body(keyset, 200, **{"Cache-Control": "public, max-age=300"})


async def health():
    await ping(User)
    return json_body({"status": "ok"})
