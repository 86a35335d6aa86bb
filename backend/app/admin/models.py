"""Admin users, their refresh-token sessions, and the append-only audit log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, JSONType, Timestamps, UTCDateTime, UUIDPrimaryKey, utcnow

ROLES = ("admin", "manager", "analyst")


class AdminUser(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "admin_users"
    __table_args__ = (sa.CheckConstraint("role IN ('admin', 'manager', 'analyst')", name="role"),)

    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16))
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Carried in every access token; bumping it (disable, role change, "sign out
    # everywhere") makes every token issued before invalid on the next request.
    session_version: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")


class RefreshToken(UUIDPrimaryKey, Base):
    """One row per refresh token. A login starts a family (a session); each refresh
    replaces the family's current token. A replaced token presented again means it was
    stolen or replayed: the whole family is revoked."""

    __tablename__ = "refresh_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("admin_users.id", ondelete="CASCADE"), index=True
    )
    family_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The session's absolute end (the family's first login + SESSION_MAX_HOURS).
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Last activity in this session (refreshes and authenticated requests), for the
    # idle timeout.
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(sa.String(32))
    replaced_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(512))


class AuditLog(UUIDPrimaryKey, Base):
    """Who did what to which record, from where, when. Append-only: the database refuses
    UPDATE and DELETE on this table (triggers created by the migration)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        sa.Index("ix_audit_log_at_id", "at", "id"),
        sa.Index("ix_audit_log_target", "target_type", "target_id"),
    )

    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("admin_users.id"), index=True)
    actor_email: Mapped[str | None] = mapped_column(sa.String(254))
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    target_type: Mapped[str | None] = mapped_column(sa.String(32))
    target_id: Mapped[str | None] = mapped_column(sa.String(64))
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
