"""Accounts: registration, credential checks and the idempotent ``ensure_account`` for seeders."""

import logging
from typing import Literal

from pymongo.errors import DuplicateKeyError

from generated.events.models import UserRegisteredData
from handlers.common import documents
from handlers.common.problems import Conflict, NotFound, Unauthorized
from handlers.user import passwords
from handlers.user.models import User
from handlers.user.settings import UserSettings

logger = logging.getLogger(__name__)
Role = Literal["user", "admin"]


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def register(
    email: str, password: str, name: str, phone: str | None = None, role: Role = "user"
) -> User:
    """Create an account and its ``user.registered`` event in one insert; 409 when the email is taken."""
    email = normalize_email(email)
    passwords.check_policy(password, email)
    user = User(
        email=email,
        password_hash=await passwords.hash_password(password),
        name=name.strip(),
        phone=phone,
        role=role,
    )
    event = UserRegisteredData(user_id=user.id, email=email, full_name=user.name, phone=phone)
    user.record_event("user.registered", event)
    try:
        await user.insert()
    except DuplicateKeyError as exc:
        raise Conflict("An account with this email address already exists.") from exc
    logger.info("registered user %s (role %s)", user.id, role)
    return user


async def authenticate(email: str, password: str) -> User:
    """The account these credentials belong to; one answer for unknown email and wrong password."""
    user = await User.find_one(User.email == normalize_email(email))
    if not await passwords.verify_password(user.password_hash if user else None, password) or user is None:
        raise Unauthorized("The email or password is incorrect.")
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = await passwords.hash_password(password)
        await documents.update(User, user.id, {"$set": {"password_hash": user.password_hash}})
    return user


async def get_user(user_id: str) -> User:
    user = await User.get(user_id)
    if user is None:
        raise NotFound("This account no longer exists.")
    return user


async def ensure_account(email: str, password: str, name: str, role: Role, phone: str | None = None) -> User:
    """Make sure an account with these credentials and role exists (idempotent, race-safe)."""
    existing = await User.find_one(User.email == normalize_email(email))
    if existing is None:
        try:
            return await register(email, password, name, phone, role)
        except Conflict:
            existing = await User.find_one(User.email == normalize_email(email))
            if existing is None:
                raise
    if existing.role != role or not await passwords.verify_password(existing.password_hash, password):
        existing.role, existing.password_hash = role, await passwords.hash_password(password)
        change = {"role": role, "password_hash": existing.password_hash}
        await documents.update(User, existing.id, {"$set": change})
    return existing


async def ensure_admin_from_settings(settings: UserSettings) -> None:
    """The admin account of ``USER_ADMIN_EMAIL``/``USER_ADMIN_PASSWORD``, when both are set."""
    if settings.admin_email and settings.admin_password:
        password = settings.admin_password.get_secret_value()
        await ensure_account(settings.admin_email, password, settings.admin_name, "admin")
