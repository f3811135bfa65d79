"""User service settings (env prefix ``USER_``; shared ``CINEMESH_*`` fields from the base)."""

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from handlers.common.outbox_relay import OutboxSettings
from handlers.common.settings import ServiceSettings


class UserSettings(OutboxSettings, ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="USER_", extra="ignore", populate_by_name=True)

    mongo_db: str = "users"
    host: str = "127.0.0.1"  # 0.0.0.0 in containers
    port: int = 8101
    access_token_ttl_seconds: int = 900
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    validate_responses: bool = False
    # An admin account ensured at start-up when both are set (the CLI is the other way in).
    admin_email: str | None = None
    admin_password: SecretStr | None = None
    admin_name: str = "CineMesh Admin"
