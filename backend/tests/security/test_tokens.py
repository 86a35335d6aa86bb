"""Access tokens: only our algorithm, our issuer, our audience, our token type."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from app.core.config import Settings
from app.core.security import TokenError, _signing_key, create_access_token, decode_access_token

SETTINGS = Settings(environment="test", secret_key="s" * 48)
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
