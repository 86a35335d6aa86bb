"""Idempotency keys: a retry with the same key and body gets the first response.

The key row is inserted in the same transaction as the work it guards, so the two
commit (or roll back) together. A concurrent retry's INSERT waits on PostgreSQL's
unique index until the first transaction ends, then replays its response; on SQLite
writers are serialised by `BEGIN IMMEDIATE`. The same key with a different body is a
client bug and answers 422.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, JSONType, UTCDateTime, utcnow
from app.core.errors import Conflict, ValidationFailed

KEY_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{8,255}$")


class IdempotencyKey(Base):
    """One row per (scope, key): the request's fingerprint and the response first given."""

    __tablename__ = "idempotency_keys"

    scope: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    status_code: Mapped[int | None] = mapped_column(sa.SmallInteger)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: dict[str, Any]


def request_fingerprint(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def validate_key(key: str) -> str:
    if not KEY_PATTERN.match(key):
        raise ValidationFailed(
            "Idempotency-Key must be 8-255 characters of letters, digits, '.', '_', ':' or '-'"
            " (a UUID is ideal).",
            code="invalid_idempotency_key",
        )
    return key


async def claim(session: AsyncSession, scope: str, key: str, fingerprint: str) -> Replay | None:
    """Claim ``key`` for this request, or return the response an earlier one got."""
    dialect = session.bind.dialect.name if session.bind else "postgresql"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(IdempotencyKey)
        .values(scope=scope, key=key, request_hash=fingerprint)
        .on_conflict_do_nothing(index_elements=["scope", "key"])
        .returning(IdempotencyKey.key)
    )
    if (await session.execute(statement)).first() is not None:
        return None

    existing = (
        await session.execute(
            sa.select(IdempotencyKey).where(
                IdempotencyKey.scope == scope, IdempotencyKey.key == key
            )
        )
    ).scalar_one()
    if existing.request_hash != fingerprint:
        raise ValidationFailed(
            "This Idempotency-Key was already used with a different request body.",
            code="idempotency_key_reused",
        )
    if existing.response is None or existing.status_code is None:
        raise Conflict(
            "A request with this Idempotency-Key is still being processed; retry shortly.",
            code="idempotency_in_progress",
            headers={"Retry-After": "1"},
        )
    return Replay(existing.status_code, existing.response)


async def remember(
    session: AsyncSession, scope: str, key: str, status_code: int, body: dict[str, Any]
) -> None:
    await session.execute(
        sa.update(IdempotencyKey)
        .where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)
        .values(status_code=status_code, response=body)
    )
