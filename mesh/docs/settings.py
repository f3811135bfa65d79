"""Docs portal settings (env prefix ``DOCS_``): where it listens and what it serves."""

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from handlers.common.settings import REPO_ROOT


class DocsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCS_", env_file=REPO_ROOT / ".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8106
    pages_dir: Path = REPO_ROOT / "generated" / "docs"
    contracts_dir: Path = REPO_ROOT / "contracts"
    node_modules: Path = REPO_ROOT / "node_modules"
