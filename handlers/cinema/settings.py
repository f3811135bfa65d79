"""Cinema service settings (env prefix ``CINEMA_``; shared infrastructure via ``CINEMESH_*``)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from handlers.common.settings import ServiceSettings


class CinemaSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CINEMA_", extra="ignore", populate_by_name=True)

    host: str = "127.0.0.1"
    http_port: int = 8102
    grpc_port: int = 50051
    db_pool_size: int = Field(10, ge=1, le=50)
    hold_ttl_default_seconds: int = Field(600, ge=1)
    hold_ttl_max_seconds: int = Field(1800, ge=1)
    sweep_interval_seconds: float = Field(5.0, gt=0)
    validate_responses: bool = False  # tests turn it on; it costs the seat map a sixth of its time
