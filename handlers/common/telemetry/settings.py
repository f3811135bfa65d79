"""How a process traces: ``CINEMESH_TRACING`` (off|on), the sample ratio, where spans go.

Read from the environment once by ``setup``; the same variables for every service and the gateway
(``make up`` turns tracing on unless ``CINEMESH_TRACING`` says otherwise; tests and benchmarks choose).
"""

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from handlers.common.settings import REPO_ROOT


class TelemetrySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CINEMESH_", env_file=REPO_ROOT / ".env", extra="ignore")

    tracing: Literal["off", "on"] = "off"
    # Of the traces that start here (a request without a sampled parent): their share kept. A request
    # that arrives with a sampled parent is always traced, so a booking is traced whole or not at all.
    trace_sample_ratio: float = Field(1.0, ge=0.0, le=1.0)
    # OTLP JSON lines, one file per process: <trace_dir>/<service>.jsonl (``python -m mesh trace``).
    trace_files: bool = True
    trace_dir: Path = REPO_ROOT / ".run" / "traces"
    # A file past this size is moved to <service>.jsonl.1 (the one before is dropped).
    trace_file_max_bytes: int = Field(64 * 1024 * 1024, ge=1024)
    # How often finished spans are written (BatchSpanProcessor's schedule delay).
    trace_flush_ms: int = Field(500, ge=10)
    # Also send spans by OTLP/HTTP to a collector or Jaeger (``http://127.0.0.1:4318``); None: files only.
    otlp_endpoint: str | None = None
