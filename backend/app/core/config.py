"""One settings object for the whole API, read from the environment and `.env`.

Settings fail fast: a weak ``SECRET_KEY`` (short, repetitive, predictable, or the old
placeholder) stops start-up in every environment, and outside ``ENVIRONMENT=development``
(and ``test``) so does a missing one, with a message that says what to do. Development
and test without a key use one generated once per data directory (``core.security``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

MIN_SECRET_KEY_LENGTH = 32
MAKE_A_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'

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
    # None: development and test generate one per data directory; elsewhere start-up stops.
    secret_key: str | None = None

    # Storage. No DATABASE_URL -> SQLite in the data directory; no REDIS_URL ->
    # in-process cache, counters and pub/sub.
    data_dir: Path = Field(default=Path("./data"), validation_alias="AURUM_DATA_DIR")
    database_url: str | None = None
    database_pool_size: int = 10
    database_max_overflow: int = 10
    database_timeout_seconds: float = 5.0
    # A read replica for the analytics queries (unset: they read the primary).
    database_read_url: str | None = None
    redis_url: str | None = None
    redis_timeout_seconds: float = 0.5
    redis_retry_seconds: float = 5.0
    # The live feed (/admin/events): how many recent events a reconnecting stream can
    # catch up on, and how long a stream ticket lives.
    live_feed_buffer: int = Field(default=1000, ge=10, le=100_000)
    live_ticket_seconds: int = Field(default=30, ge=5, le=300)

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

    # Only the admin dashboard's origins may call /api/v1/admin and /api/v1/auth.
    cors_admin_origins: Annotated[list[str], NoDecode] = [
        "http://localhost:3002",
        "http://127.0.0.1:3002",
    ]
    # Host names the API answers to (a Host outside them is 400); "*" allows any.
    allowed_hosts: Annotated[list[str], NoDecode] = ["localhost", "127.0.0.1", "::1"]
    # Request bodies: public routes carry a chat message or a form; staff and partner
    # routes a little more. Larger bodies get 413 before they are read.
    max_public_body_bytes: int = Field(default=64 * 1024, ge=1024)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    # /docs, /redoc and /openapi.json. Unset: on in development and test, off elsewhere.
    docs_enabled: bool | None = None
    # /metrics: unset, open in development and test and off elsewhere; set, it needs
    # "Authorization: Bearer <METRICS_TOKEN>" everywhere.
    metrics_token: str | None = None
    # Serving (aurum serve): at most this many connections and requests in flight per
    # process (more get 503), and idle keep-alive connections closed after this long.
    api_max_concurrency: int = Field(default=1000, ge=10)
    api_keepalive_seconds: float = Field(default=5, gt=0, le=120)

    # Proxies (CIDRs) whose X-Forwarded-For is believed; empty trusts none.
    trusted_proxies: Annotated[list[str], NoDecode] = []

    # Selling leads (app/partners). A homeowner may agree to 1..MAX_SHARED_BUYERS
    # installers; the consent text names the number they chose.
    max_shared_buyers: int = Field(default=3, ge=1, le=10)
    return_window_days: int = Field(default=7, ge=0, le=90)
    return_cap_pct: float = Field(default=15, ge=0, le=100)

    # Webhooks (app/webhooks): each attempt may take WEBHOOK_TIMEOUT_SECONDS; a worker
    # that dies mid-send loses its lease after WEBHOOK_LEASE_SECONDS; WEBHOOK_BATCH
    # deliveries go out at once per worker. WEBHOOKS_ALLOW_PRIVATE lets development and
    # tests send to loopback and private addresses over http (never in production).
    webhook_timeout_seconds: float = Field(default=15, gt=0, le=60)
    webhook_lease_seconds: float = Field(default=60, gt=0)
    webhook_batch: int = Field(default=20, ge=1, le=500)
    webhooks_allow_private: bool = False

    # E-mail (app/mail): the estimate e-mail, over SMTP_HOST, or with no SMTP host as
    # .eml files in AURUM_DATA_DIR/mail (`aurum mail` lists them). MAIL_ENABLED=false:
    # nothing is sent and the advisor does not offer it.
    mail_enabled: bool = True
    mail_from: str = "estimates@aurumsolar.example"
    public_site_url: str = "http://localhost:3001"
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    smtp_timeout_seconds: float = Field(default=10, gt=0, le=120)

    # Background work (app/worker.py). WORKER_IN_PROCESS unset: the API runs the worker
    # itself on the embedded database (one laptop, one process) and not on PostgreSQL,
    # where `aurum worker` runs as its own process (or several).
    worker_in_process: bool | None = None
    worker_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    idempotency_key_ttl_hours: float = Field(default=24, gt=0)
    conversation_token_idle_days: float = Field(default=30, gt=0)
    abandoned_chat_purge_days: float = Field(default=30, gt=0)
    # The nightly analytics job rebuilds today and this many days before it from the raw
    # rows (a safety net under the rollups the sales keep themselves).
    analytics_rebuild_days: int = Field(default=3, ge=0, le=90)

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
    # Failed sign-ins per account *and* client address before that address gets 429.
    login_max_failures: int = Field(default=5, ge=1)
    login_failure_window_minutes: int = Field(default=15, ge=1)
    # Failed sign-ins on one account from anywhere (in the same window) after which every
    # attempt on it waits, 0.25 s doubling up to the maximum; it is never locked.
    login_slowdown_after_failures: int = Field(default=20, ge=1)
    login_slowdown_max_seconds: float = Field(default=3.0, ge=0, le=10)
    admin_ip_allowlist: Annotated[list[str], NoDecode] = []  # empty allows every address
    rate_limit_public: str = "100/minute"
    rate_limit_admin: str = "1000/minute"
    rate_limit_b2b: str = "50/minute"
    rate_limit_login: str = "10/minute"
    # The public site's analytics event batches (POST /events), per client IP.
    rate_limit_events: str = "60/minute"
    # Requests with an invalid, expired or forged bearer token, per client IP, on
    # /api/v1/admin and /api/v1/auth (any more in the window answer 429).
    rate_limit_auth_failures: str = "20/minute"

    @field_validator("admin_ip_allowlist", mode="before")
    @classmethod
    def _parse_allowlist(cls, value: object) -> object:
        import ipaddress

        value = _split_csv(value)
        for cidr in value if isinstance(value, list) else []:
            ipaddress.ip_network(str(cidr), strict=False)  # a typo fails start-up, not a request
        return value

    @field_validator(
        "rate_limit_public",
        "rate_limit_admin",
        "rate_limit_b2b",
        "rate_limit_login",
        "rate_limit_events",
        "rate_limit_auth_failures",
    )
    @classmethod
    def _check_rate(cls, value: str) -> str:
        import re

        if not re.fullmatch(r"\s*[1-9][0-9]*\s*/\s*(second|minute|hour|day)s?\s*", value):
            raise ValueError('expected "<count>/<second|minute|hour|day>", e.g. "100/minute"')
        return value.strip()

    @field_validator(
        "cors_origins", "cors_admin_origins", "trusted_proxies", "allowed_hosts", mode="before"
    )
    @classmethod
    def _parse_origins(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator(
        "secret_key",
        "database_url",
        "database_read_url",
        "redis_url",
        "openai_api_key",
        "openai_base_url",
        "refresh_cookie_secure",
        "worker_in_process",
        "docs_enabled",
        "metrics_token",
        "smtp_host",
        "smtp_username",
        "smtp_password",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @model_validator(mode="after")
    def _check_secret_key(self) -> Settings:
        # security imports this module; its strength estimate is needed only here.
        from app.core.security import secret_key_problem

        if self.secret_key is None:
            if self.environment in ("development", "test"):
                return self
            raise ConfigError(
                f"SECRET_KEY is missing while ENVIRONMENT={self.environment}. Generate one "
                f"with: {MAKE_A_KEY} and set it in the environment or .env."
            )
        problem = secret_key_problem(self.secret_key)
        if problem is not None:
            unset = (
                " (or leave it unset: development generates one in AURUM_DATA_DIR)"
                if self.environment in ("development", "test")
                else ""
            )
            raise ConfigError(
                f"SECRET_KEY is too weak: {problem}. Generate one with: {MAKE_A_KEY} and set "
                f"it in the environment or .env{unset}."
            )
        return self

    @property
    def is_development(self) -> bool:
        return self.environment == "development"

    @property
    def docs_are_public(self) -> bool:
        if self.docs_enabled is not None:
            return self.docs_enabled
        return self.environment in ("development", "test")

    @property
    def runs_worker_in_process(self) -> bool:
        if self.worker_in_process is not None:
            return self.worker_in_process
        return self.database_backend == "sqlite"

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
    def resolved_database_read_url(self) -> str | None:
        """DATABASE_READ_URL as an async SQLAlchemy URL, or None (read the primary)."""
        if not self.database_read_url:
            return None
        return self.model_copy(
            update={"database_url": self.database_read_url}
        ).resolved_database_url

    @property
    def database_backend(self) -> str:
        return "sqlite" if self.resolved_database_url.startswith("sqlite") else "postgresql"

    # Backups (`aurum backup`, `aurum restore`, core/backup.py): where they are written,
    # when `aurum backup --nightly` takes one (HH:MM, UTC) and how many days it keeps.
    backup_dir: Path = Path("./backups")
    backup_time: str = Field(default="02:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    backup_keep_days: int = Field(default=14, ge=1)

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
