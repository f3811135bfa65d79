"""Notification worker settings (env prefix ``NOTIFICATION_``)."""

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from handlers.common.settings import REPO_ROOT, ServiceSettings


class NotificationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATION_", extra="ignore", populate_by_name=True)

    host: str = "127.0.0.1"
    port: int = 8105
    mongo_db: str = "notifications"
    outbox_dir: Path = REPO_ROOT / ".run" / "notifications"
    dedupe_prefix: str = "notification:event:"
    dedupe_ttl_seconds: int = 7 * 24 * 3600
    claim_ttl_seconds: int = 60
    max_attempts: int = 3
    retry_backoff_seconds: float = 0.2
