"""All configuration, from `PATHWAYS_*` environment variables (or a `.env` file)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Settings of every Pathways process.

    When `temporal_address` or `database_url` is unset, `pathways up` starts the embedded
    server for it under `data_dir`.
    """

    model_config = SettingsConfigDict(env_prefix="PATHWAYS_", env_file=".env", extra="ignore")

    data_dir: Path = Path(".pathways")
    temporal_address: str | None = None
    temporal_namespace: str = "default"
    temporal_task_queue: str = "pathways"
    temporal_port: int = 7233
    temporal_ui_port: int = 8233
    database_url: str | None = None
    db_pool_min_size: int = Field(default=2, ge=1)
    db_pool_max_size: int = Field(default=10, ge=1)
    policy_file: Path | None = None
    log_format: str = Field(default="console", pattern="^(console|json)$")
    log_level: str = "INFO"
