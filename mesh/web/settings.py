"""Box office server settings (env prefix ``WEB_``): where it listens and what it serves."""

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from handlers.common.settings import REPO_ROOT


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WEB_", env_file=REPO_ROOT / ".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8107
    dist_dir: Path = REPO_ROOT / "web" / "dist"
