"""The audit log: record what admins do (in the same transaction as the change), and
search it. There is deliberately no way to change or remove an entry."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from fastapi.encoders import jsonable_encoder
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.models import AdminUser, AuditLog
from app.core.emails import normalize_email
from app.core.pagination import SortKey, next_cursor, page_query


class Action:
    """Every action the log knows, in one place (the dashboard filters on these)."""

    LOGIN = "auth.login"
    LOGIN_FAILED = "auth.login_failed"
    LOGIN_LOCKED = "auth.login_locked"
    LOGOUT = "auth.logout"
    REFRESH_REUSE = "auth.refresh_reuse_detected"
    PASSWORD_CHANGE = "auth.password_changed"  # noqa: S105 - an action name
    USER_CREATE = "user.create"
    USER_UPDATE = "user.update"
    LEAD_UPDATE = "lead.update"
    LEAD_STATUS = "lead.status_changed"
    LEAD_DUPLICATE_RESOLVED = "lead.duplicate_resolved"
    LEAD_EXPORT = "lead.export"
    PRIVACY_ERASE = "privacy.erase"
    PARTNER_CREATE = "partner.create"
    PARTNER_UPDATE = "partner.update"
    PARTNER_STATUS = "partner.status_changed"
    PARTNER_LEDGER = "partner.ledger_entry"
    API_KEY_CREATE = "api_key.create"
    API_KEY_ROTATE = "api_key.rotate"
    API_KEY_REVOKE = "api_key.revoke"
    RETURN_FILED = "return.filed"
    RETURN_DECIDED = "return.decided"
    OUTCOME_RECORDED = "outcome.recorded"
    WEBHOOK_REDELIVER = "webhook.redeliver"
    WEBHOOK_REPLAY = "webhook.replay"
    WEBHOOK_ENABLE = "webhook.enable"
    WEBHOOK_ENDPOINT_CREATE = "webhook.endpoint_created"
    WEBHOOK_ENDPOINT_UPDATE = "webhook.endpoint_updated"
    WEBHOOK_SECRET_ROTATE = "webhook.secret_rotated"  # noqa: S105 - an action name
    ANALYTICS_REBUILD = "analytics.rebuild"


ACTIONS = sorted(v for k, v in vars(Action).items() if not k.startswith("_"))

SORT = SortKey("-at", AuditLog.at, AuditLog.id, descending=True, kind=datetime)


async def record(
    session: AsyncSession,
    *,
    action: str,
    at: datetime,
    actor: AdminUser | None = None,
    actor_email: str | None = None,
    target_type: str | None = None,
    target_id: Any = None,
    ip: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditLog:
    """Add an entry. ``actor_email`` (what someone typed, e.g. at a failed sign-in) is kept
    only when it is a valid address; anything else may be a password typed into the wrong
    field, so it is dropped and the entry says so (``details.actor_email_invalid``)."""
    details = dict(details or {})
    if actor is not None:
        actor_email = actor.email
    elif actor_email:
        typed, actor_email = actor_email, normalize_email(actor_email, test_domains=True)
        if actor_email is None and typed.strip():
            details["actor_email_invalid"] = True
    entry = AuditLog(
        id=uuid.uuid4(),
        at=at,
        actor_id=actor.id if actor else None,
        actor_email=actor_email or None,
        action=action,
        target_type=target_type,
        target_id=str(target_id) if target_id is not None else None,
        ip=ip,
        details=jsonable_encoder(details),
    )
    session.add(entry)
    await session.flush()
    return entry


@dataclass(frozen=True)
class AuditFilters:
    actor_id: uuid.UUID | None = None
    actor_email: str | None = None
    action: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


async def list_entries(
    session: AsyncSession, filters: AuditFilters, *, cursor: str | None, limit: int
) -> tuple[list[AuditLog], str | None]:
    statement = sa.select(AuditLog)
    if filters.actor_id is not None:
        statement = statement.where(AuditLog.actor_id == filters.actor_id)
    if filters.actor_email:
        statement = statement.where(AuditLog.actor_email == filters.actor_email.strip().lower())
    if filters.action:
        # "lead" matches every lead.* action; "lead.update" only itself.
        if "." in filters.action:
            statement = statement.where(AuditLog.action == filters.action)
        else:
            statement = statement.where(
                AuditLog.action.startswith(filters.action + ".", autoescape=True)
            )
    if filters.target_type:
        statement = statement.where(AuditLog.target_type == filters.target_type)
    if filters.target_id:
        statement = statement.where(AuditLog.target_id == filters.target_id)
    if filters.since is not None:
        statement = statement.where(AuditLog.at >= filters.since)
    if filters.until is not None:
        statement = statement.where(AuditLog.at < filters.until)
    rows = list((await session.execute(page_query(statement, SORT, cursor, limit))).scalars())
    return rows[:limit], next_cursor(rows, SORT, limit, "at")
