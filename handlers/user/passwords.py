"""argon2id password hashing (off the event loop) and the password policy."""

import asyncio
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from handlers.common.problems import Unprocessable

_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("no-such-account-0")


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no hash (unknown account) it costs the same and is False."""

    def verify() -> bool:
        try:
            return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(verify)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def check_policy(password: str, email: str) -> None:
    """Raise a 422 problem listing every rule ``password`` breaks."""
    errors = []
    if not 10 <= len(password) <= 128:
        errors.append("must be 10 to 128 characters long")
    if password.isalpha() or not any(ch.isalpha() for ch in password):
        errors.append("must mix letters with digits or symbols")
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 3 and local_part in password.lower():
        errors.append("must not contain the email address")
    if errors:
        raise Unprocessable(
            "The password does not meet the policy.", errors=[f"password {e}" for e in errors]
        )
