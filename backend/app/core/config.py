"""One settings object for the whole API, read from the environment and `.env`.

Settings fail fast: outside ``ENVIRONMENT=development`` (and ``test``) a missing or
default ``SECRET_KEY`` stops start-up with a message that says what to do.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SECRET_KEY = "change-me-in-production"  # noqa: S105 - the sentinel we refuse outside dev
MIN_SECRET_KEY_LENGTH = 32

Environment = Literal["development", "test", "staging", "production"]


class ConfigError(RuntimeError):
    """Start-up configuration that must be fixed before the API can run."""


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    environment: Environment = "development"
    secret_key: str = DEFAULT_SECRET_KEY
    app_name: str = "Aurum Solar"

    # Storage. No DATABASE_URL -> SQLite in the data directory; no REDIS_URL ->
    # in-process cache, counters and pub/sub.
    data_dir: Path = Field(default=Path("./data"), validation_alias="AURUM_DATA_DIR")
    database_url: str | None = None
    database_pool_size: int = 10
    database_max_overflow: int = 10
    database_timeout_seconds: float = 5.0
    redis_url: str | None = None
    redis_timeout_seconds: float = 0.5
    redis_retry_seconds: float = 5.0

    cors_origins: Annotated[list[str], NoDecode] = [
        "http://localhost:3001",
        "http://localhost:3002",
        "http://127.0.0.1:3001",
        "http://127.0.0.1:3002",
    ]

    # The LLM advisor: any OpenAI-compatible Chat Completions server. Without a key
    # the guided (offline) advisor answers.
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    openai_timeout_seconds: float = 20.0

    # Proxies (CIDRs) whose X-Forwarded-For is believed; empty trusts none.
    trusted_proxies: Annotated[list[str], NoDecode] = []

    log_level: str = "INFO"
    log_format: Literal["json", "console"] = "json"

    @field_validator("cors_origins", "trusted_proxies", mode="before")
    @classmethod
    def _parse_origins(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("database_url", "redis_url", "openai_api_key", "openai_base_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @model_validator(mode="after")
    def _check_secret_key(self) -> Settings:
        if self.environment in ("development", "test"):
            return self
        if not self.secret_key or self.secret_key == DEFAULT_SECRET_KEY:
            raise ConfigError(
                f"SECRET_KEY is missing or still the default while ENVIRONMENT={self.environment}."
                ' Generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'
                " and set it in the environment or .env."
            )
        if len(self.secret_key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters while "
                f"ENVIRONMENT={self.environment}."
            )
        return self

    @property
    def is_development(self) -> bool:
        return self.environment == "development"

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "aurum.db"

    @property
    def resolved_database_url(self) -> str:
        """The SQLAlchemy async URL: asyncpg for PostgreSQL, aiosqlite otherwise."""
        if not self.database_url:
            return f"sqlite+aiosqlite:///{self.sqlite_path.resolve()}"
        url = self.database_url
        for prefix in ("postgres://", "postgresql://", "postgresql+psycopg://"):
            if url.startswith(prefix):
                return "postgresql+asyncpg://" + url[len(prefix) :]
        if url.startswith("sqlite://"):
            return "sqlite+aiosqlite://" + url[len("sqlite://") :]
        return url

    @property
    def database_backend(self) -> str:
        return "sqlite" if self.resolved_database_url.startswith("sqlite") else "postgresql"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once (tests build their own ``Settings``)."""
    return Settings()
