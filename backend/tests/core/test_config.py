"""Settings fail fast and resolve the storage the operator asked for."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from app.core.config import ConfigError, Settings

PLACEHOLDER = "change-me-in-production"  # what .env.example used to ship


@pytest.mark.parametrize("environment", ["production", "staging"])
@pytest.mark.parametrize("secret", [None, "", PLACEHOLDER, "too-short"])
def test_outside_development_a_real_secret_key_is_required(
    environment: str, secret: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    kwargs = {} if secret is None else {"secret_key": secret}
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Settings(environment=environment, _env_file=None, **kwargs)


@pytest.mark.parametrize("environment", ["development", "test", "staging", "production"])
@pytest.mark.parametrize(
    ("secret", "says"),
    [
        (PLACEHOLDER, "placeholder"),
        ("too-short", "32 characters"),
        ("s" * 48, "different characters"),
        ("ab" * 24, "different characters"),
        ("0123456789abcdef" * 2, "predictable"),
        ("correcthorsebatterystaplecorrecthorse", "predictable"),
        ("Password1234" * 3, "predictable"),
    ],
)
def test_weak_secret_keys_stop_start_up_in_every_environment(
    environment: str, secret: str, says: str
) -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY") as refused:
        Settings(environment=environment, secret_key=secret, _env_file=None)
    assert says in str(refused.value)
    assert "secrets.token_urlsafe" in str(refused.value)  # says how to make a good one
    assert secret not in str(refused.value)


@pytest.mark.parametrize("environment", ["development", "test"])
def test_development_and_test_run_without_a_key(
    environment: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    # None: a random key is generated in AURUM_DATA_DIR when tokens are first signed.
    assert Settings(environment=environment, _env_file=None).secret_key is None


@pytest.mark.parametrize(
    "secret",
    [
        secrets.token_urlsafe(48),
        secrets.token_urlsafe(24),
        secrets.token_hex(16),
        secrets.token_hex(64),
    ],
    ids=["urlsafe 48", "urlsafe 24", "hex 16", "hex 64"],
)
def test_random_secrets_are_accepted(secret: str) -> None:
    settings = Settings(environment="production", secret_key=secret, _env_file=None)
    assert settings.secret_key == secret


def test_no_database_url_means_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(AURUM_DATA_DIR=tmp_path, database_url="", _env_file=None)
    assert settings.database_backend == "sqlite"
    assert settings.resolved_database_url == f"sqlite+aiosqlite:///{tmp_path.resolve()}/aurum.db"


@pytest.mark.parametrize(
    "url",
    [
        "postgres://u:p@db:5432/aurum",
        "postgresql://u:p@db:5432/aurum",
        "postgresql+asyncpg://u:p@db:5432/aurum",
    ],
)
def test_postgres_urls_use_asyncpg(url: str) -> None:
    settings = Settings(database_url=url, _env_file=None)
    assert settings.resolved_database_url == "postgresql+asyncpg://u:p@db:5432/aurum"
    assert settings.database_backend == "postgresql"


def test_cors_origins_from_a_comma_separated_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://aurum.example, https://admin.aurum.example")
    assert Settings(_env_file=None).cors_origins == [
        "https://aurum.example",
        "https://admin.aurum.example",
    ]


ENV_EXAMPLE = Path(__file__).resolve().parents[3] / ".env.example"
COMPOSE_ONLY = {"POSTGRES_PASSWORD", "POSTGRES_USER", "POSTGRES_DB", "WEB_CONCURRENCY"}


def _example_keys() -> set[str]:
    keys = set()
    for line in ENV_EXAMPLE.read_text().splitlines():
        line = line.strip().removeprefix("# ")
        if "=" in line and line.split("=", 1)[0].isupper():
            keys.add(line.split("=", 1)[0])
    return keys


def test_env_example_loads_as_is(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in _example_keys():
        monkeypatch.delenv(key, raising=False)
    settings = Settings(_env_file=ENV_EXAMPLE)
    assert settings.environment == "development"
    assert settings.database_url is None and settings.redis_url is None


def test_env_example_documents_every_setting() -> None:
    documented = _example_keys()
    for name, field in Settings.model_fields.items():
        env_name = (field.validation_alias or name).upper()
        assert env_name in documented, f"{env_name} is missing from .env.example"
