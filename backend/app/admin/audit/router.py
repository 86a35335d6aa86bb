"""``GET /admin/audit-log``: who did what, when, from where (admins only)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from app.admin.audit import service
from app.admin.audit.schemas import AuditEntryOut, AuditPage
from app.admin.deps import AdminAccess
from app.core.datetimes import UTCDatetime
from app.core.db import SessionDep
from app.core.errors import Forbidden, RateLimited, Unauthorized, ValidationFailed, responses
from app.core.pagination import DEFAULT_LIMIT, MAX_LIMIT

router = APIRouter(prefix="/audit-log", tags=["admin_audit"])


@router.get(
    "",
    response_model=AuditPage,
    responses=responses(Unauthorized, Forbidden, ValidationFailed, RateLimited),
)
async def list_audit_log(
    principal: AdminAccess,
    session: SessionDep,
    actor_id: Annotated[uuid.UUID | None, Query(description="Only this admin user.")] = None,
    actor_email: Annotated[
        str | None, Query(max_length=254, description="Only this actor email (exact).")
    ] = None,
    action: Annotated[
        str | None,
        Query(
            max_length=64,
            pattern=r"^[a-z_]+(\.[a-z_]+)?$",
            description="An action (`lead.update`) or a whole family (`lead`). Known actions: "
            + ", ".join(f"`{a}`" for a in service.ACTIONS)
            + ".",
        ),
    ] = None,
    target_type: Annotated[
        str | None, Query(max_length=32, description="e.g. `lead`, `admin_user`.")
    ] = None,
    target_id: Annotated[str | None, Query(max_length=64)] = None,
    since: Annotated[
        UTCDatetime | None, Query(description="At or after (ISO 8601 with offset).")
    ] = None,
    until: Annotated[
        UTCDatetime | None, Query(description="Before (ISO 8601 with offset).")
    ] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> AuditPage:
    """The audit log, newest first: every sign-in, failed sign-in, sign-out and admin
    change, with actor, action, target, client address and time. Entries can never be
    edited or removed. Admin role."""
    items, next_cursor = await service.list_entries(
        session,
        service.AuditFilters(
            actor_id=actor_id,
            actor_email=actor_email,
            action=action,
            target_type=target_type,
            target_id=target_id,
            since=since,
            until=until,
        ),
        cursor=cursor,
        limit=limit,
    )
    return AuditPage(
        items=[AuditEntryOut.model_validate(item) for item in items], next_cursor=next_cursor
    )
