"""Admin users: create, change role, disable, reset password; never lose the last admin."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from app.admin.audit.service import Action, record
from app.admin.deps import Principal, Role
from app.admin.models import AdminUser, RefreshToken
from app.core.emails import normalize_email
from app.core.errors import Conflict, NotFound, ValidationFailed
from app.core.security import PasswordPolicyError, check_password_policy, hash_password_async


def lookup_email(email: str) -> str:
    """The form an address is stored in, for a lookup; input that is no address at all
    still gets a stable form (it matches no user)."""
    return normalize_email(email, test_domains=True) or email.strip().lower()[:254]


async def require_strong_password(password: str, *, email: str, field: str = "password") -> None:
    """422 ``weak_password`` (in the validation-error shape, naming ``field``) unless the
    password passes the policy for the account ``email``."""
    try:
        # zxcvbn takes up to ~0.1 s of CPU on long passwords: off the event loop.
        await run_in_threadpool(check_password_policy, password, email=email)
    except PasswordPolicyError as exc:
        raise ValidationFailed(
            str(exc),
            code="weak_password",
            details=[
                {"field": field, "location": "body", "message": str(exc), "type": "weak_password"}
            ],
        ) from exc


async def get_by_email(session: AsyncSession, email: str) -> AdminUser | None:
    return (
        await session.execute(sa.select(AdminUser).where(AdminUser.email == lookup_email(email)))
    ).scalar_one_or_none()


async def list_users(
    session: AsyncSession, *, role: Role | None = None, is_active: bool | None = None
) -> list[AdminUser]:
    statement = sa.select(AdminUser).order_by(AdminUser.email)
    if role is not None:
        statement = statement.where(AdminUser.role == role.value)
    if is_active is not None:
        statement = statement.where(AdminUser.is_active.is_(is_active))
    return list((await session.execute(statement)).scalars())


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> AdminUser:
    user = await session.get(AdminUser, user_id)
    if user is None:
        raise NotFound("No admin user has this id.", code="user_not_found")
    return user


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    role: Role,
    password: str,
    now: datetime,
    actor: Principal | None = None,
    via: str = "api",
) -> AdminUser:
    """A new active user, audited. ``Conflict`` when the email is taken."""
    email = lookup_email(email)
    if await get_by_email(session, email) is not None:
        raise Conflict("An admin user with this email already exists.", code="email_taken")
    await require_strong_password(password, email=email)
    user = AdminUser(
        id=uuid.uuid4(),
        email=email,
        role=role.value,
        password_hash=await hash_password_async(password),
        is_active=True,
        session_version=1,
        created_at=now,
        updated_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(user)
            await session.flush()
    except IntegrityError as exc:  # created concurrently
        raise Conflict("An admin user with this email already exists.", code="email_taken") from exc
    await record(
        session,
        action=Action.USER_CREATE,
        at=now,
        actor=actor.user if actor else None,
        target_type="admin_user",
        target_id=user.id,
        ip=actor.ip if actor else None,
        details={"email": email, "role": role.value, "via": via},
    )
    return user


async def end_sessions(
    session: AsyncSession, user: AdminUser, *, now: datetime, reason: str
) -> None:
    """Every access token of ``user`` stops working on its next request, and every
    refresh token is revoked."""
    user.session_version += 1
    await session.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
    )


async def _lock_active_admins(session: AsyncSession) -> list[uuid.UUID]:
    """The active admins' ids, locked (PostgreSQL) so two requests that each demote a
    different admin cannot together leave none."""
    return list(
        (
            await session.execute(
                sa.select(AdminUser.id)
                .where(AdminUser.role == Role.ADMIN.value, AdminUser.is_active.is_(True))
                .with_for_update()
            )
        ).scalars()
    )


async def update_user(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    actor: Principal,
    role: Role | None = None,
    is_active: bool | None = None,
    password: str | None = None,
) -> AdminUser:
    user = await get_user(session, user_id)
    if password is not None:
        await require_strong_password(password, email=user.email)
    changes: dict[str, Any] = {}
    if role is not None and role.value != user.role:
        changes["role"] = {"from": user.role, "to": role.value}
    if is_active is not None and is_active != user.is_active:
        changes["is_active"] = {"from": user.is_active, "to": is_active}
    if password is not None:
        changes["password"] = "reset"  # noqa: S105 - that it changed, never the value

    loses_admin = user.role == Role.ADMIN.value and user.is_active
    loses_admin = loses_admin and ("role" in changes or is_active is False)
    if loses_admin:
        admins = await _lock_active_admins(session)
        if not any(admin_id != user.id for admin_id in admins):
            raise Conflict(
                "This is the last active admin; make another user admin first.",
                code="last_active_admin",
            )
    # Only admins manage users, so any change of one's own role lowers it. Either would
    # sign them out at once, with nobody there to undo it.
    if actor.user.id == user.id and ("role" in changes or is_active is False):
        raise Conflict(
            "You cannot disable your own account or lower your own role; ask another admin.",
            code="self_change",
        )
    if not changes:
        return user

    if "role" in changes:
        user.role = role.value  # type: ignore[union-attr]
    if "is_active" in changes:
        user.is_active = bool(is_active)
    if password is not None:
        user.password_hash = await hash_password_async(password)
    user.updated_at = actor.now
    await end_sessions(session, user, now=actor.now, reason="user_updated")
    await session.flush()
    await record(
        session,
        action=Action.USER_UPDATE,
        at=actor.now,
        actor=actor.user,
        target_type="admin_user",
        target_id=user.id,
        ip=actor.ip,
        details={"email": user.email, "changes": changes},
    )
    return user
