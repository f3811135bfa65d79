"""``/users``: registration and the caller's own account."""

from generated.openapi.user import RegistrationRequest
from generated.openapi.user import User as UserView
from handlers.user import accounts
from handlers.user.api import json_body
from handlers.user.models import User


def view(user: User) -> dict:
    """The account as the contract shows it: every property of the generated model, read from the document."""
    return UserView.model_validate(user, from_attributes=True).model_dump(mode="json")


async def register(body: dict):
    request = RegistrationRequest.model_validate(body)
    password = request.password.get_secret_value()
    user = await accounts.register(request.email, password, request.name, request.phone)
    return json_body(view(user), 201, Location="/users/me")


async def me(user: str):
    return json_body(view(await accounts.get_user(user)))
