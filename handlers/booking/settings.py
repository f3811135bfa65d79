"""Booking service settings (env prefix ``BOOKING_``)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from handlers.common.outbox_relay import OutboxSettings
from handlers.common.settings import ServiceSettings


class BookingSettings(OutboxSettings, ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="BOOKING_", extra="ignore", populate_by_name=True)

    host: str = "127.0.0.1"
    port: int = 8103
    mongo_db: str = "bookings"
    cinema_url: str = "http://127.0.0.1:8102"
    cinema_grpc_host: str = "127.0.0.1"
    cinema_grpc_port: int = 50051
    payment_url: str = "http://127.0.0.1:8104"
    grpc_deadline_seconds: float = 3.0
    http_timeout_seconds: float = 5.0
    hold_ttl_seconds: int = 600
    sweep_interval_seconds: float = 15.0
    recovery_grace_seconds: float = 30.0
    # A query still running after this is cancelled; a mutation is answered, then runs to its end.
    request_deadline_seconds: float = Field(10.0, gt=0)
    # GraphQL document limits (handlers.booking.query_limits); GraphiQL's introspection needs depth 14.
    max_query_tokens: int = Field(2000, ge=200)
    max_query_depth: int = Field(15, ge=2)
    max_query_aliases: int = Field(20, ge=0)
    max_query_cost: int = Field(100, ge=10)
    validated_documents: int = Field(256, ge=0)  # documents kept parsed and validated, by text

    @property
    def graphiql(self) -> bool:
        return self.environment == "development"
