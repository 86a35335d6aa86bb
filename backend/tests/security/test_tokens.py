"""Access tokens: only our algorithm, our issuer, our audience, our token type, and a key
nobody else knows (generated per data directory when none is configured)."""

from __future__ import annotations

import hmac
import os
import secrets
import stat
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest

from app.core.config import ConfigError, Settings
from app.core.security import (
    SECRET_KEY_FILE,
    TokenError,
    _signing_key,
    create_access_token,
    decode_access_token,
)

SETTINGS = Settings(environment="test", secret_key=secrets.token_urlsafe(48), _env_file=None)
BACKEND = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def claims(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "iss": SETTINGS.jwt_issuer,
        "aud": SETTINGS.jwt_audience,
        "sub": str(uuid.uuid4()),
        "iat": int(NOW.timestamp()),
        "exp": int((NOW + timedelta(minutes=15)).timestamp()),
        "jti": "abc",
        "typ": "access",
        "role": "admin",
        "sid": str(uuid.uuid4()),
        "sv": 1,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def sign(payload: dict[str, object], algorithm: str = "HS256", key: bytes | None = None) -> str:
    return jwt.encode(payload, key or _signing_key(SETTINGS), algorithm=algorithm)


def test_round_trip() -> None:
    user, session = uuid.uuid4(), uuid.uuid4()
    token, expires = create_access_token(
        SETTINGS, user_id=user, role="manager", session_id=session, session_version=3, now=NOW
    )
    decoded = decode_access_token(token, SETTINGS, now=NOW + timedelta(minutes=1))
    assert (decoded.user_id, decoded.role, decoded.session_id, decoded.session_version) == (
        user,
        "manager",
        session,
        3,
    )
    assert decoded.expires_at == expires == NOW + timedelta(minutes=15)


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (sign(claims(aud="aurum-partner")), "wrong_audience"),
        (sign(claims(iss="someone-else")), "wrong_issuer"),
        (sign(claims(typ="refresh")), "wrong_type"),
        (sign(claims(exp=int(NOW.timestamp()))), "expired"),
        (sign(claims(jti=None)), "invalid"),
        (sign(claims(aud=None)), "invalid"),
        (sign(claims(sid="not-a-uuid")), "invalid"),
        (sign(claims(iat=int((NOW + timedelta(hours=1)).timestamp()))), "invalid"),
        (sign(claims(), key=b"another key of 32 bytes or more!"), "invalid"),
        (sign(claims(), "HS512", _signing_key(SETTINGS) * 2), "invalid"),
        (jwt.encode(claims(), key="", algorithm="none"), "invalid"),
        ("not.a.token", "invalid"),
    ],
    ids=[
        "audience",
        "issuer",
        "type",
        "expired",
        "no jti",
        "no aud",
        "bad sid",
        "issued in the future",
        "other key",
        "HS512",
        "alg none",
        "garbage",
    ],
)
def test_refused(token: str, reason: str) -> None:
    with pytest.raises(TokenError) as refused:
        decode_access_token(token, SETTINGS, now=NOW)
    assert refused.value.reason == reason


def _mint(settings: Settings) -> str:
    token, _ = create_access_token(
        settings,
        user_id=uuid.uuid4(),
        role="admin",
        session_id=uuid.uuid4(),
        session_version=1,
        now=NOW,
    )
    return token


def _keyless(data_dir: Path, environment: str = "development") -> Settings:
    return Settings(
        environment=environment, secret_key=None, AURUM_DATA_DIR=data_dir, _env_file=None
    )


def test_the_old_public_default_key_forges_nothing(tmp_path: Path) -> None:
    """Before: without ENVIRONMENT (or with ENVIRONMENT=test) tokens were signed with the
    placeholder key everyone can read in the repository."""
    placeholder = b"change-me-in-production"
    forged_key = hmac.new(placeholder, b"aurum/admin-access-token", "sha256").digest()
    for environment in ("development", "test"):
        settings = Settings(environment=environment, AURUM_DATA_DIR=tmp_path, _env_file=None)
        with pytest.raises(TokenError):
            decode_access_token(sign(claims(), key=forged_key), settings, now=NOW)


@pytest.mark.parametrize("environment", ["development", "test"])
def test_a_random_key_is_made_once_per_data_directory(tmp_path: Path, environment: str) -> None:
    laptop, other = tmp_path / "laptop", tmp_path / "other"
    first = _keyless(laptop, environment)
    key_file = laptop / SECRET_KEY_FILE
    assert not key_file.exists()  # settings alone never touch the disk

    token = _mint(first)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text().strip()) >= 43

    restarted = _keyless(laptop, environment)  # a later start reads the same key
    assert decode_access_token(token, restarted, now=NOW).role == "admin"
    with pytest.raises(TokenError):  # another data directory has its own key
        decode_access_token(token, _keyless(other, environment), now=NOW)
    assert (other / SECRET_KEY_FILE).read_text() != key_file.read_text()


def test_an_explicit_key_is_used_and_no_file_is_written(tmp_path: Path) -> None:
    settings = Settings(
        environment="development",
        secret_key=secrets.token_urlsafe(48),
        AURUM_DATA_DIR=tmp_path,
        _env_file=None,
    )
    decode_access_token(_mint(settings), settings, now=NOW)
    assert not (tmp_path / SECRET_KEY_FILE).exists()


def test_a_weak_key_in_the_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / SECRET_KEY_FILE).write_text("s" * 48 + "\n")
    with pytest.raises(ConfigError, match=SECRET_KEY_FILE):
        _mint(_keyless(tmp_path))


def test_the_key_is_made_at_app_start_up_not_at_import_nor_by_aurum_openapi(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ENVIRONMENT")}
    env.update(AURUM_DATA_DIR=str(tmp_path), DATABASE_URL="", REDIS_URL="")
    openapi = subprocess.run(
        [sys.executable, "-m", "app.cli", "openapi", "-o", str(tmp_path / "openapi.json")],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert openapi.returncode == 0, openapi.stderr
    assert not (tmp_path / SECRET_KEY_FILE).exists()

    started = subprocess.run(
        [
            sys.executable,
            "-c",
            "import asyncio, os\n"
            "from app.main import create_app\n"
            "app = create_app(configure_logs=False)\n"
            "assert not os.path.exists(os.path.join(os.environ['AURUM_DATA_DIR'], 'secret_key'))\n"
            "async def main():\n"
            "    async with app.router.lifespan_context(app):\n"
            "        pass\n"
            "asyncio.run(main())\n",
        ],
        cwd=BACKEND,
        env={**env, "WORKER_IN_PROCESS": "false"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode == 0, started.stderr
    assert (tmp_path / SECRET_KEY_FILE).exists()
