"""Partner API keys: ``ak_live_`` + 256 random bits, shown once, stored as SHA-256.

Rotation issues a new key and keeps the old one working for an overlap (24 hours by
default) so a partner can deploy the new one without downtime; revocation is immediate.
A request presents the key as ``Authorization: Bearer ak_live_...``; the lookup is by
the key's hash (a unique index), so no key is ever compared in plain text.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict, NotFound
from app.core.security import hash_token
from app.partners.models import API_KEY_SCOPES, ApiKey, Partner

KEY_PREFIX = "ak_live_"
DEFAULT_ROTATION_OVERLAP = timedelta(hours=24)


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    secret: str  # the whole key; returned once, never stored


def new_secret() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def check_scopes(scopes: list[str]) -> list[str]:
    unknown = [s for s in scopes if s not in API_KEY_SCOPES]
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(unknown)}")
    return sorted(set(scopes), key=API_KEY_SCOPES.index)


async def issue(
    session: AsyncSession,
    partner: Partner,
    *,
    name: str,
    scopes: list[str],
    now: datetime,
    expires_at: datetime | None = None,
) -> IssuedKey:
    secret = new_secret()
    key = ApiKey(
        id=uuid.uuid4(),
        partner_id=partner.id,
        name=name,
        display_prefix=secret[: len(KEY_PREFIX) + 6],
        secret_hash=hash_token(secret),
        scopes=check_scopes(scopes),
        created_at=now,
        expires_at=expires_at,
    )
    session.add(key)
    await session.flush()
    return IssuedKey(key, secret)


async def get_key(session: AsyncSession, partner_id: uuid.UUID, key_id: uuid.UUID) -> ApiKey:
    key = await session.get(ApiKey, key_id)
    if key is None or key.partner_id != partner_id:
        raise NotFound("This partner has no API key with this id.", code="api_key_not_found")
    return key


def is_live(key: ApiKey, now: datetime) -> bool:
    return key.revoked_at is None and (key.expires_at is None or key.expires_at > now)


async def rotate(
    session: AsyncSession,
    partner: Partner,
    key: ApiKey,
    *,
    now: datetime,
    overlap: timedelta = DEFAULT_ROTATION_OVERLAP,
) -> IssuedKey:
    """A new key with the same name and scopes; the old one works until ``now + overlap``."""
    if not is_live(key, now):
        raise Conflict("This key is revoked or expired; issue a new one.", code="api_key_not_live")
    issued = await issue(session, partner, name=key.name, scopes=list(key.scopes), now=now)
    ends = now + overlap
    key.expires_at = min(key.expires_at, ends) if key.expires_at else ends
    key.replaced_by_id = issued.key.id
    return issued


def revoke(key: ApiKey, now: datetime) -> None:
    if key.revoked_at is None:
        key.revoked_at = now


async def authenticate(session: AsyncSession, secret: str, now: datetime) -> ApiKey | None:
    """The live key this secret is, or None."""
    if not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    key = (
        await session.execute(sa.select(ApiKey).where(ApiKey.secret_hash == hash_token(secret)))
    ).scalar_one_or_none()
    if key is None or not is_live(key, now):
        return None
    return key
