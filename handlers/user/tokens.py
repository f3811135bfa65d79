"""Access tokens (RS256 JWTs) and single-use, rotating, revocable refresh tokens.

A refresh token is spent by inserting its hash as the ``_id`` of a ``SpentRefreshToken``:
of two racing refreshes exactly one insert succeeds. Presenting a spent token again
(a stolen copy, or a replay) revokes its whole family; revocation is checked on every use.
"""

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from pymongo.errors import DuplicateKeyError

from handlers.common.problems import Unauthorized
from handlers.common.signing import sign_token, signing_key
from handlers.user.models import RefreshToken, RevokedFamily, SpentRefreshToken, User
from handlers.user.settings import UserSettings

INVALID_REFRESH = "The refresh token is invalid, expired or revoked."


_signing_key = lru_cache(maxsize=4)(signing_key)  # the key file is read once per directory


def _digest(refresh_token: str) -> str:
    return hashlib.sha256(refresh_token.encode()).hexdigest()


def access_token(user: User, settings: UserSettings) -> str:
    key = _signing_key(settings.jwt_keys_dir)
    return sign_token(
        settings, user.id, user.role, settings.access_token_ttl_seconds, key=key, jti=uuid.uuid4().hex
    )


async def issue(user: User, settings: UserSettings, family_id: str | None = None) -> dict:
    """The token response for ``user``: a new access token and a new refresh token."""
    refresh_token = secrets.token_urlsafe(32)
    await RefreshToken(
        id=_digest(refresh_token),
        user_id=user.id,
        family_id=family_id or uuid.uuid4().hex,
        expires_at=datetime.now(UTC) + timedelta(seconds=settings.refresh_token_ttl_seconds),
    ).insert()
    return {
        "access_token": access_token(user, settings),
        "token_type": "Bearer",
        "expires_in": settings.access_token_ttl_seconds,
        "refresh_token": refresh_token,
    }


async def rotate(refresh_token: str, settings: UserSettings) -> dict:
    """Spend ``refresh_token`` for new tokens of the same family."""
    known = await RefreshToken.get(_digest(refresh_token))
    if known is None or known.expires_at <= datetime.now(UTC) or await RevokedFamily.get(known.family_id):
        raise Unauthorized(INVALID_REFRESH)
    try:
        await SpentRefreshToken(id=known.id).insert()
    except DuplicateKeyError as exc:
        await _revoke_family(known.family_id)
        raise Unauthorized(INVALID_REFRESH) from exc
    user = await User.get(known.user_id)
    if user is None:
        raise Unauthorized(INVALID_REFRESH)
    return await issue(user, settings, family_id=known.family_id)


async def revoke(refresh_token: str) -> None:
    """Revoke ``refresh_token`` and every token of its log-in; unknown tokens are ignored."""
    known = await RefreshToken.get(_digest(refresh_token))
    if known is not None:
        await _revoke_family(known.family_id)


async def _revoke_family(family_id: str) -> None:
    try:
        await RevokedFamily(id=family_id).insert()
    except DuplicateKeyError:
        pass  # already revoked
