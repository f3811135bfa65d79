"""MongoDB documents of the user service."""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from beanie import Document, Indexed
from pydantic import Field

from handlers.common.documents import StrIdDocument
from handlers.common.outbox import OutboxMixin


def _now() -> datetime:
    """The current time at MongoDB's (millisecond) precision, so stored and returned values agree."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class User(OutboxMixin, StrIdDocument):
    id: str = Field(default_factory=lambda: f"usr_{uuid.uuid4().hex}")
    email: Annotated[str, Indexed(unique=True)]
    password_hash: str
    name: str
    phone: str | None = None
    role: Literal["user", "admin"] = "user"
    created_at: datetime = Field(default_factory=_now)

    class Settings:
        name = "users"


class RefreshToken(StrIdDocument):
    """An issued refresh token, keyed by its SHA-256 (the token itself is never stored).

    ``family_id`` groups the tokens rotated from one log-in. FerretDB v1 updates are not
    atomic under concurrency, so spending and revoking are inserts keyed by ``_id``
    (``SpentRefreshToken``, ``RevokedFamily``): the unique ``_id`` decides every race.
    """

    id: str
    user_id: str
    family_id: str
    expires_at: datetime
    created_at: datetime = Field(default_factory=_now)

    class Settings:
        name = "refresh_tokens"


class SpentRefreshToken(StrIdDocument):
    id: str  # the spent token's hash
    spent_at: datetime = Field(default_factory=_now)

    class Settings:
        name = "refresh_tokens_spent"


class RevokedFamily(StrIdDocument):
    id: str  # the family id
    revoked_at: datetime = Field(default_factory=_now)

    class Settings:
        name = "refresh_token_families_revoked"


DOCUMENT_MODELS: list[type[Document]] = [User, RefreshToken, SpentRefreshToken, RevokedFamily]
