"""Payment service settings (env prefix ``PAYMENT_``; shared ``CINEMESH_*`` fields from the base)."""

from pydantic_settings import SettingsConfigDict

from handlers.common.outbox_relay import OutboxSettings
from handlers.common.settings import ServiceSettings


class PaymentSettings(OutboxSettings, ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAYMENT_", extra="ignore", populate_by_name=True)

    mongo_db: str = "payments"
    host: str = "127.0.0.1"  # 0.0.0.0 in containers
    port: int = 8104
    processor_latency_ms: int = 0  # added to every simulated processor call
    processor_timeout_seconds: float = 2.0  # how long a call may take; `tok_timeout` never answers
    idempotency_wait_seconds: float = 10.0  # how long a same-key request waits for the first one
    idempotency_lease_seconds: float = 60.0  # an older unfinished claim was abandoned: take it over
    validate_responses: bool = False
