"""Service settings, read once from environment variables (see .env.example)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

from pydantic import BaseSettings, validator

ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    env: str = "local"                      # "local" allows the demo users; anything else does not
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1                        # API processes (WORKERS); live updates need REDIS_URL if > 1
    database_url: Optional[str] = None      # default: SQLite in var/ with the demo shops
    redis_url: Optional[str] = None         # e.g. redis://127.0.0.1:6379/0 (live updates across processes)
    model_path: Path = ROOT / "models" / "assistant.tar.gz"
    log_level: str = "INFO"
    model_poll_seconds: float = 2.0         # how soon every process follows an activated model
    nlu_data_dir: Path = ROOT / "data" / "nlu"          # retraining reads it; reviewed.yml goes here
    candidates_dir: Path = ROOT / "models" / "candidates"
    # channels (docs/channels.md): outbound delivery and the public chat window's limits
    delivery_worker: bool = True            # drain the outbox in this process
    delivery_max_attempts: int = 12
    delivery_backoff_seconds: float = 2.0   # 2, 4, 8 … s between tries
    delivery_backoff_cap_seconds: float = 300.0
    delivery_poll_seconds: float = 0.5
    delivery_timeout_seconds: float = 10.0
    chat_messages_per_visitor: int = 20     # per minute; 0 = no limit
    chat_messages_per_ip: int = 60
    chat_sessions_per_ip: int = 30
    chat_reads_per_visitor: int = 240
    trusted_proxies: str = "127.0.0.1,::1"  # whose X-Forwarded-For names the client (HAProxy)

    class Config:
        env_file = ROOT / ".env"
        env_file_encoding = "utf-8"

    @validator("redis_url", "database_url", pre=True)
    def _blank_is_unset(cls, value: Optional[str]) -> Optional[str]:  # noqa: N805
        return value or None

    @validator("port")
    def _port(cls, value: int) -> int:  # noqa: N805
        if not 0 < value < 65536:
            raise ValueError("PORT must be 1-65535")
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
