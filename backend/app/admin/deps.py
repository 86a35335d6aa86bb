"""Who is calling an admin endpoint, and may they: ``CurrentAdmin``, ``RequireRole``.

Access tokens are short-lived JWTs, but a session must end *at once* when a user is
disabled, changes role, signs out or sits idle. So every request also loads the user
and their session row (one indexed query): the user must be active, the token's role
and session version must still match, and the session must be alive, not idle and
within its absolute lifetime.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.models import AdminUser, RefreshToken
from app.core.clientip import client_ip
from app.core.db import SessionDep
from app.core.errors import Forbidden, Unauthorized
from app.core.ratelimit import admin_rate_limit_for, count_failed_authentication
from app.core.security import AccessClaims, ClockDep, TokenError, decode_access_token

# Activity is written to the session row at most this often (for the idle timeout).
ACTIVITY_RESOLUTION = timedelta(seconds=60)


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    ANALYST = "analyst"


ROLE_RANK = {Role.ANALYST: 1, Role.MANAGER: 2, Role.ADMIN: 3}

# What each role may do, for the dashboard to show or hide controls (the API enforces
# the same rules on every route).
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.ANALYST: ["leads:read", "conversations:read", "analytics:read"],
    Role.MANAGER: [
        "leads:read",
        "conversations:read",
        "analytics:read",
        "pii:read",
        "leads:write",
        "partners:write",
        "sales:write",
        "returns:write",
    ],
    Role.ADMIN: [
        "leads:read",
        "conversations:read",
        "analytics:read",
        "pii:read",
        "leads:write",
        "partners:write",
        "sales:write",
        "returns:write",
        "users:manage",
        "audit:read",
    ],
}


@dataclass(frozen=True)
class Principal:
    """The signed-in user of this request."""

    user: AdminUser
    claims: AccessClaims
    ip: str
    now: datetime

    @property
    def id(self) -> uuid.UUID:
        return self.user.id

    @property
    def role(self) -> Role:
        return Role(self.user.role)

    @property
    def sees_pii(self) -> bool:
        """Managers and admins see homeowners' contact details; analysts see them masked."""
        return ROLE_RANK[self.role] >= ROLE_RANK[Role.MANAGER]


bearer = HTTPBearer(
    auto_error=False,
    description="The access token from `POST /api/v1/auth/login` or `/auth/refresh`.",
)


def _unauthorized(code: str, message: str) -> Unauthorized:
    return Unauthorized(message, code=code, headers={"WWW-Authenticate": "Bearer"})


async def authenticate(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None:
        raise _unauthorized("not_authenticated", "Sign in to continue.")
    try:
        return await _principal(request, session, clock(), credentials.credentials)
    except Unauthorized:
        # Refused tokens are counted per client IP (RATE_LIMIT_AUTH_FAILURES): past the
        # limit the answer is 429, so nobody probes tokens at full speed.
        await count_failed_authentication(request)
        raise


async def _principal(
    request: Request, session: AsyncSession, now: datetime, token: str
) -> Principal:
    settings = request.app.state.settings
    try:
        claims = decode_access_token(token, settings, now=now)
    except TokenError as exc:
        if exc.reason == "expired":
            raise _unauthorized(
                "token_expired", "The access token has expired; refresh it."
            ) from exc
        raise _unauthorized("invalid_token", "The access token is not valid.") from exc

    row = (
        await session.execute(
            sa.select(
                AdminUser, RefreshToken.id, RefreshToken.last_used_at, RefreshToken.expires_at
            )
            .outerjoin(
                RefreshToken,
                sa.and_(
                    RefreshToken.user_id == AdminUser.id,
                    RefreshToken.family_id == claims.session_id,
                    RefreshToken.revoked_at.is_(None),
                    RefreshToken.replaced_by.is_(None),
                ),
            )
            .where(AdminUser.id == claims.user_id)
        )
    ).first()
    if row is None:
        raise _unauthorized("invalid_token", "The access token is not valid.")
    user, token_id, last_used_at, session_expires_at = row
    if (
        not user.is_active
        or user.role != claims.role
        or user.session_version != claims.session_version
        or token_id is None
    ):
        raise _unauthorized("session_ended", "This session has ended; sign in again.")
    idle_limit = timedelta(minutes=settings.session_idle_minutes)
    if now >= session_expires_at or now - last_used_at > idle_limit:
        raise _unauthorized("session_expired", "The session has expired; sign in again.")
    if now - last_used_at >= ACTIVITY_RESOLUTION:
        await session.execute(
            sa.update(RefreshToken).where(RefreshToken.id == token_id).values(last_used_at=now)
        )
    return Principal(user=user, claims=claims, ip=client_ip(request), now=now)


async def admin_rate_limit(
    request: Request, principal: Annotated[Principal, Depends(authenticate)]
) -> None:
    """``RATE_LIMIT_ADMIN`` per signed-in user."""
    await admin_rate_limit_for(request, principal.id)


AdminRateLimit = Depends(admin_rate_limit)


async def get_current_admin(
    principal: Annotated[Principal, Depends(authenticate)],
    _limited: Annotated[None, Depends(admin_rate_limit)],
) -> Principal:
    return principal


CurrentAdmin = Annotated[Principal, Depends(get_current_admin)]


def require_role(minimum: Role | str) -> Any:
    minimum = Role(minimum)

    async def _require(principal: CurrentAdmin) -> Principal:
        if ROLE_RANK[principal.role] < ROLE_RANK[minimum]:
            raise Forbidden(
                f"This needs the {minimum.value} role or higher.",
                code="insufficient_role",
                details={"required_role": minimum.value, "role": principal.role.value},
            )
        return principal

    return _require


def RequireRole(minimum: Role | str) -> Any:
    """``principal: Annotated[Principal, RequireRole("manager")]``."""
    return Depends(require_role(minimum))


AnalystAccess = Annotated[Principal, RequireRole(Role.ANALYST)]
ManagerAccess = Annotated[Principal, RequireRole(Role.MANAGER)]
AdminAccess = Annotated[Principal, RequireRole(Role.ADMIN)]
