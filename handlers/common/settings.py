"""The settings every service shares: infrastructure addresses and JWT keys.

Each service declares one pydantic-settings class that subclasses ``ServiceSettings``
with its own ``env_prefix`` (``USER_``, ``CINEMA_`` ...). The shared fields below keep
their own ``CINEMESH_*`` names (``validation_alias`` ignores the prefix), so one
``CINEMESH_MONGO_URL`` points every service at the same server.
"""

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]
DEV_KEYS_DIR = REPO_ROOT / ".dev" / "jwt"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=REPO_ROOT / ".env", extra="ignore", populate_by_name=True)

    environment: Literal["development", "test", "production"] = Field(
        "development", validation_alias="CINEMESH_ENV"
    )
    postgres_url: str = Field(
        "postgresql+asyncpg://cinemesh:cinemesh@127.0.0.1:5432/cinema",
        validation_alias="CINEMESH_POSTGRES_URL",
    )
    mongo_url: str = Field("mongodb://127.0.0.1:27017/", validation_alias="CINEMESH_MONGO_URL")
    # MongoDB operations one process runs at once (pymongo's maxPoolSize; more wait for a connection).
    # FerretDB v1 holds a PostgreSQL connection for an update's query while it takes a second one to
    # write, so its pool (scripts/infra.sh) must exceed what every service can run at once, or the
    # updates deadlock holding it all (tests/integration/infra/test_ferretdb_pool.py).
    mongo_pool_size: int = Field(16, ge=1, le=100, validation_alias="CINEMESH_MONGO_POOL_SIZE")
    redis_url: str = Field("redis://127.0.0.1:6379/0", validation_alias="CINEMESH_REDIS_URL")
    amqp_url: str = Field("amqp://guest:guest@127.0.0.1:5672/", validation_alias="CINEMESH_AMQP_URL")
    jwt_issuer: str = Field("cinemesh-user-service", validation_alias="CINEMESH_JWT_ISSUER")
    jwt_keys_dir: Path = Field(DEV_KEYS_DIR, validation_alias="CINEMESH_JWT_KEYS_DIR")
    # Request-body limits (handlers.common.request_limits), per service: <PREFIX>_MAX_BODY_BYTES ...
    # An int64 has 19 digits; Python refuses to read integers of more than 4,300.
    max_body_bytes: int = Field(64 * 1024, ge=1024)
    max_json_depth: int = Field(32, ge=2, le=200)
    max_number_digits: int = Field(20, ge=1, le=4300)

    @model_validator(mode="after")
    def _refuse_dev_keys_in_production(self) -> "ServiceSettings":
        if self.environment == "production" and self.jwt_keys_dir == DEV_KEYS_DIR:
            raise ValueError("CINEMESH_JWT_KEYS_DIR must point at real keys when CINEMESH_ENV=production")
        return self
