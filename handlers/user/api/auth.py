"""``/auth/*``: log in, refresh-token rotation and revocation."""

from generated.openapi.user import LoginRequest, RefreshRequest, TokenResponse
from handlers.user import accounts, tokens
from handlers.user.api import json_body
from handlers.user.settings import UserSettings


def _view(token_response: dict) -> dict:
    return TokenResponse.model_validate(token_response).model_dump(mode="json")


async def log_in(body: dict, settings: UserSettings):
    request = LoginRequest.model_validate(body)
    user = await accounts.authenticate(request.email, request.password.get_secret_value())
    return json_body(_view(await tokens.issue(user, settings)))


async def refresh(body: dict, settings: UserSettings):
    return json_body(_view(await tokens.rotate(RefreshRequest.model_validate(body).refresh_token, settings)))


async def revoke(body: dict):
    await tokens.revoke(RefreshRequest.model_validate(body).refresh_token)
    return None, 204
