"""``/admin/users``: who may sign in to the dashboard, and with which role (admins only)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from app.admin.deps import AdminAccess, Role
from app.admin.users import service
from app.admin.users.schemas import AdminUserCreate, AdminUserList, AdminUserOut, AdminUserUpdate
from app.core.db import SessionDep
from app.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    ValidationFailed,
    responses,
)

router = APIRouter(prefix="/users", tags=["admin_users"])

_COMMON = (Unauthorized, Forbidden, ValidationFailed, RateLimited)


@router.get("", response_model=AdminUserList, responses=responses(*_COMMON))
async def list_users(
    principal: AdminAccess,
    session: SessionDep,
    role: Annotated[Role | None, Query(description="Only this role.")] = None,
    is_active: Annotated[bool | None, Query(description="Only active (or disabled) users.")] = None,
) -> AdminUserList:
    """Every admin user, by email. Admin role."""
    users = await service.list_users(session, role=role, is_active=is_active)
    return AdminUserList(items=[AdminUserOut.model_validate(u) for u in users])


@router.post(
    "",
    status_code=201,
    response_model=AdminUserOut,
    responses=responses(*_COMMON, Conflict),
)
async def create_user(
    body: AdminUserCreate, principal: AdminAccess, session: SessionDep
) -> AdminUserOut:
    """Add a user who can sign in with this email and password. 409 `email_taken` when
    the email already has an account. Audited as `user.create`. Admin role."""
    user = await service.create_user(
        session,
        email=str(body.email),
        role=body.role,
        password=body.password,
        now=principal.now,
        actor=principal,
    )
    return AdminUserOut.model_validate(user)


@router.get("/{user_id}", response_model=AdminUserOut, responses=responses(*_COMMON, NotFound))
async def get_user(user_id: uuid.UUID, principal: AdminAccess, session: SessionDep) -> AdminUserOut:
    """One admin user. Admin role."""
    return AdminUserOut.model_validate(await service.get_user(session, user_id))


@router.patch(
    "/{user_id}",
    response_model=AdminUserOut,
    responses=responses(*_COMMON, NotFound, Conflict),
)
async def update_user(
    user_id: uuid.UUID, body: AdminUserUpdate, principal: AdminAccess, session: SessionDep
) -> AdminUserOut:
    """Change a user's role, disable or re-enable them, or set a new password. Any of
    these ends the user's sessions at once. The last active admin cannot be demoted or
    disabled (409 `last_active_admin`), and nobody may disable or demote themselves (409
    `self_change`). Audited as `user.update`. Admin role."""
    user = await service.update_user(
        session,
        user_id,
        actor=principal,
        role=body.role,
        is_active=body.is_active,
        password=body.password,
    )
    return AdminUserOut.model_validate(user)
