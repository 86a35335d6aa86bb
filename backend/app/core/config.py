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

    # Admin access and security (app/admin, core/security, core/ratelimit).
    # Rates are "<count>/<second|minute|hour|day>"; CIDR lists are comma-separated.
    access_token_minutes: int = Field(default=15, ge=1, le=1440)
    session_idle_minutes: int = Field(default=30, ge=1)
    session_max_hours: float = Field(default=12, gt=0)
    jwt_issuer: str = "aurum-solar"
    jwt_audience: str = "aurum-admin"
    refresh_cookie_secure: bool | None = None  # None: Secure everywhere but development
    login_max_failures: int = Field(default=5, ge=1)
    login_failure_window_minutes: int = Field(default=15, ge=1)
    admin_ip_allowlist: Annotated[list[str], NoDecode] = []  # empty allows every address
    rate_limit_public: str = "100/minute"
    rate_limit_admin: str = "1000/minute"
    rate_limit_b2b: str = "50/minute"
    rate_limit_login: str = "10/minute"

    @field_validator("admin_ip_allowlist", mode="before")
    @classmethod
    def _parse_allowlist(cls, value: object) -> object:
        import ipaddress

        value = _split_csv(value)
        for cidr in value if isinstance(value, list) else []:
            ipaddress.ip_network(str(cidr), strict=False)  # a typo fails start-up, not a request
        return value

    @field_validator("rate_limit_public", "rate_limit_admin", "rate_limit_b2b", "rate_limit_login")
    @classmethod
    def _check_rate(cls, value: str) -> str:
        import re

        if not re.fullmatch(r"\s*[1-9][0-9]*\s*/\s*(second|minute|hour|day)s?\s*", value):
            raise ValueError('expected "<count>/<second|minute|hour|day>", e.g. "100/minute"')
        return value.strip()

    @field_validator("cors_origins", "trusted_proxies", mode="before")
    @classmethod
    def _parse_origins(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator(
        "database_url",
        "redis_url",
        "openai_api_key",
        "openai_base_url",
        "refresh_cookie_secure",
        mode="before",
    )
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

    # Solar engine (app/solar): the assumptions an operator may tune; the state tables in
    # app/solar/data/state_money supply the rest. Dict and list values are JSON, e.g.
    # SOLAR_COST_PER_WATT_BY_STATE='{"CA": 3.1}'.
    solar_cost_per_watt_usd: float = Field(default=2.48, gt=0)
    solar_cost_per_watt_by_state: dict[str, float] = {}
    solar_rate_by_state_usd_per_kwh: dict[str, float] = {}
    solar_incentives: list[dict[str, object]] | None = None  # None: the built-in table
    solar_utility_escalation_pct: float | None = Field(default=None, ge=-5, le=15)
    solar_escalation_cap_pct: float = Field(default=4.0, ge=0, le=15)
    solar_self_consumption_share: float = Field(default=0.30, ge=0, le=1)
    solar_fixed_charge_by_state: dict[str, float] = {}
    solar_fixed_charge_fallback_usd_per_month: float | None = Field(default=None, ge=0)
    solar_export_credit_fallback_usd_per_kwh: float = Field(default=0.034, ge=0)
    solar_compensation_by_state: dict[str, dict[str, object]] = {}
    solar_minimum_system_kw: float = Field(default=3.0, ge=0, le=50)
    solar_nsrdb_correction: bool = True
    solar_degradation_pct: float = Field(default=0.5, ge=0, lt=100)
    solar_co2_kg_per_kwh: float = Field(default=0.699, ge=0)
    solar_production_adjustment_pct: float = Field(default=0.0, gt=-50, lt=50)


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once (tests build their own ``Settings``)."""
    return Settings()
