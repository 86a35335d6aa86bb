"""Sign-in, refresh-token rotation with reuse detection, sign-out, password change.

A *session* is a family of refresh tokens started by one sign-in. Each refresh replaces
the family's current token; presenting a replaced token again means it leaked, so the
whole family is revoked. A session ends after ``SESSION_IDLE_MINUTES`` without activity
or ``SESSION_MAX_HOURS`` after sign-in, whichever comes first.

Failed sign-ins are counted twice, over ``LOGIN_FAILURE_WINDOW_MINUTES``: per account and
client address (``LOGIN_MAX_FAILURES`` of them answer that address 429, and only that
address), and per account from anywhere: past ``LOGIN_SLOWDOWN_AFTER_FAILURES`` every
attempt on the account waits a little longer (``login_delay_seconds``), the right password
included, but nobody can lock another person out. Both counters live in the rate limiter
(Redis, or in process while Redis is down).

Rejections that must leave a trace (a failed sign-in, a reused token) are raised as
``AuthRejected`` *after* the audit row and the revocation are flushed; the router turns
them into error responses without rolling the transaction back.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.audit.service import Action, record
from app.admin.deps import Principal
from app.admin.models import AdminUser, RefreshToken
from app.admin.users.service import (
    end_sessions,
    get_by_email,
    lookup_email,
    require_strong_password,
)
from app.core.config import Settings
from app.core.ratelimit import RateLimiter, WindowCount, address_identity
from app.core.security import (
    Sleep,
    create_access_token,
    hash_password_async,
    hash_token,
    new_refresh_token,
    verify_password_async,
)

INVALID_CREDENTIALS = "The email or password is incorrect."


@dataclass
class AuthRejected(Exception):
    """A refusal to answer as an error response, with the transaction still committed."""

    status_code: int
    code: str
    message: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Client:
    ip: str
    user_agent: str | None


@dataclass(frozen=True)
class IssuedSession:
    user: AdminUser
    session_id: uuid.UUID
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    session_expires_at: datetime


def _digest(*parts: str) -> str:
    # Hashed: sign-in attempts never put an email or IP address into Redis keys.
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _failures_key(email: str, ip: str) -> str:
    """Failures on one account from one client (an IPv6 /64 counts as one)."""
    return "login-failures:" + _digest(lookup_email(email), address_identity(ip))


def _account_failures_key(email: str) -> str:
    """Failures on one account from anywhere."""
    return "login-failures-account:" + _digest(lookup_email(email))


# The first delay once an account is being guessed at; each further failure doubles it.
FIRST_DELAY_SECONDS = 0.25


def login_delay_seconds(account_failures: int, *, after: int, max_seconds: float) -> float:
    """How long an attempt on an account waits, given its recent failures from anywhere:
    nothing below ``after``, then 0.25 s doubling with each failure, at most
    ``max_seconds`` (a slowdown for guessers, a pause for the owner, never a lock)."""
    if account_failures < after:
        return 0.0
    doublings = min(account_failures - after, 32)
    return min(max_seconds, FIRST_DELAY_SECONDS * 2**doublings)


def _retry_after(failures: WindowCount, window: float, now: datetime) -> str:
    oldest = failures.oldest or now.timestamp()
    return str(max(1, int(oldest + window - now.timestamp())))


def _access_token(
    settings: Settings, user: AdminUser, session_id: uuid.UUID, now: datetime
) -> tuple[str, datetime]:
    return create_access_token(
        settings,
        user_id=user.id,
        role=user.role,
        session_id=session_id,
        session_version=user.session_version,
        now=now,
    )


async def _new_token_row(
    session: AsyncSession,
    *,
    user: AdminUser,
    family_id: uuid.UUID,
    expires_at: datetime,
    client: Client,
    now: datetime,
) -> tuple[RefreshToken, str]:
    raw = new_refresh_token()
    row = RefreshToken(
        id=uuid.uuid4(),
        user_id=user.id,
        family_id=family_id,
        token_hash=hash_token(raw),
        created_at=now,
        expires_at=expires_at,
        last_used_at=now,
        ip=client.ip,
        user_agent=(client.user_agent or "")[:512] or None,
    )
    session.add(row)
    await session.flush()
    return row, raw


async def revoke_family(
    session: AsyncSession, family_id: uuid.UUID, *, now: datetime, reason: str
) -> int:
    result = await session.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def _count_failure(
    limiter: RateLimiter, settings: Settings, email: str, ip: str, now: datetime
) -> None:
    window = settings.login_failure_window_minutes * 60
    await limiter.add_event(
        _failures_key(email, ip), window, now=now.timestamp(), keep=settings.login_max_failures
    )
    # Enough to reach the longest delay; older failures change nothing.
    keep = settings.login_slowdown_after_failures + 32
    await limiter.add_event(_account_failures_key(email), window, now=now.timestamp(), keep=keep)


async def login(
    session: AsyncSession,
    limiter: RateLimiter,
    settings: Settings,
    *,
    email: str,
    password: str,
    client: Client,
    now: datetime,
    sleep: Sleep = asyncio.sleep,
) -> IssuedSession:
    email = lookup_email(email)
    window = settings.login_failure_window_minutes * 60
    key = _failures_key(email, client.ip)
    failures = await limiter.count_events(key, window, now=now.timestamp())
    if failures.count >= settings.login_max_failures:
        await record(session, action=Action.LOGIN_LOCKED, at=now, actor_email=email, ip=client.ip)
        # The same answer whether or not the address has an account.
        raise AuthRejected(
            429,
            "too_many_failed_logins",
            "Too many failed sign-ins for this email from this address; try again later.",
            {"Retry-After": _retry_after(failures, window, now)},
        )

    # Before any database work: a waiting attempt holds no connection.
    account_key = _account_failures_key(email)
    account_failures = await limiter.count_events(account_key, window, now=now.timestamp())
    delay = login_delay_seconds(
        account_failures.count,
        after=settings.login_slowdown_after_failures,
        max_seconds=settings.login_slowdown_max_seconds,
    )
    if delay > 0:
        await sleep(delay)

    user = await get_by_email(session, email)
    matches, upgraded_hash = await verify_password_async(
        password, user.password_hash if user else None
    )
    if not matches or user is None or not user.is_active:
        await _count_failure(limiter, settings, email, client.ip, now)
        details: dict[str, object] = {
            "reason": "inactive" if matches and user else "bad_credentials"
        }
        if delay > 0:
            details["delayed_seconds"] = delay
        await record(
            session,
            action=Action.LOGIN_FAILED,
            at=now,
            actor=user,
            actor_email=email,
            ip=client.ip,
            details=details,
        )
        raise AuthRejected(401, "invalid_credentials", INVALID_CREDENTIALS)

    # This client proved the password; failures from elsewhere keep slowing the account
    # until they age out of the window.
    await limiter.clear(key)
    if upgraded_hash:
        user.password_hash = upgraded_hash  # bcrypt (or weaker Argon2) -> current Argon2
    user.last_login_at = now
    # Sessions past their absolute end are dead weight: prune this user's.
    await session.execute(
        sa.delete(RefreshToken).where(
            RefreshToken.user_id == user.id, RefreshToken.expires_at < now - timedelta(days=1)
        )
    )
    family_id = uuid.uuid4()
    session_expires_at = now + timedelta(hours=settings.session_max_hours)
    _row, raw = await _new_token_row(
        session,
        user=user,
        family_id=family_id,
        expires_at=session_expires_at,
        client=client,
        now=now,
    )
    access, access_expires_at = _access_token(settings, user, family_id, now)
    await record(
        session,
        action=Action.LOGIN,
        at=now,
        actor=user,
        target_type="session",
        target_id=family_id,
        ip=client.ip,
        details={"user_agent": (client.user_agent or "")[:200]},
    )
    return IssuedSession(user, family_id, access, access_expires_at, raw, session_expires_at)


async def refresh(
    session: AsyncSession, settings: Settings, *, token: str, client: Client, now: datetime
) -> IssuedSession:
    row = (
        await session.execute(
            sa.select(RefreshToken).where(RefreshToken.token_hash == hash_token(token))
        )
    ).scalar_one_or_none()
    if row is None:
        raise AuthRejected(401, "invalid_refresh_token", "Sign in again.")
    if row.revoked_at is not None:
        raise AuthRejected(401, "session_ended", "This session has ended; sign in again.")
    user = await session.get(AdminUser, row.user_id)
    if row.replaced_by is not None:
        await _reused(session, row, user, client=client, now=now)

    idle = timedelta(minutes=settings.session_idle_minutes)
    reason = None
    if user is None or not user.is_active:
        reason = "user_disabled"
    elif now >= row.expires_at:
        reason = "expired"
    elif now - row.last_used_at > idle:
        reason = "idle"
    if reason is not None:
        await revoke_family(session, row.family_id, now=now, reason=reason)
        raise AuthRejected(401, "session_expired", "The session has expired; sign in again.")
    assert user is not None

    new_row, raw = await _new_token_row(
        session,
        user=user,
        family_id=row.family_id,
        expires_at=row.expires_at,
        client=client,
        now=now,
    )
    # Only the family's current token may rotate; a concurrent refresh that got here
    # first makes this one a reuse.
    rotated = await session.execute(
        sa.update(RefreshToken)
        .where(
            RefreshToken.id == row.id,
            RefreshToken.replaced_by.is_(None),
            RefreshToken.revoked_at.is_(None),
        )
        .values(replaced_by=new_row.id, last_used_at=now)
    )
    if not rotated.rowcount:  # type: ignore[attr-defined]
        await _reused(session, row, user, client=client, now=now)
    access, access_expires_at = _access_token(settings, user, row.family_id, now)
    return IssuedSession(user, row.family_id, access, access_expires_at, raw, row.expires_at)


async def _reused(
    session: AsyncSession,
    row: RefreshToken,
    user: AdminUser | None,
    *,
    client: Client,
    now: datetime,
) -> None:
    revoked = await revoke_family(session, row.family_id, now=now, reason="reuse_detected")
    await record(
        session,
        action=Action.REFRESH_REUSE,
        at=now,
        actor=user,
        target_type="session",
        target_id=row.family_id,
        ip=client.ip,
        details={"revoked_tokens": revoked},
    )
    raise AuthRejected(
        401,
        "refresh_token_reused",
        "This sign-in was used twice, so the session was ended for safety; sign in again.",
    )


async def logout(
    session: AsyncSession,
    *,
    refresh_token: str | None,
    principal: Principal | None,
    everywhere: bool,
    client: Client,
    now: datetime,
) -> None:
    """End the session of the refresh cookie and of the access token (either may be
    missing); with ``everywhere``, every session of the signed-in user."""
    families: set[uuid.UUID] = set()
    user: AdminUser | None = principal.user if principal else None
    if principal is not None:
        families.add(principal.claims.session_id)
    if refresh_token:
        row = (
            await session.execute(
                sa.select(RefreshToken).where(RefreshToken.token_hash == hash_token(refresh_token))
            )
        ).scalar_one_or_none()
        if row is not None:
            families.add(row.family_id)
            if user is None:
                user = await session.get(AdminUser, row.user_id)
    revoked = 0
    for family_id in families:
        revoked += await revoke_family(session, family_id, now=now, reason="logout")
    if everywhere and principal is not None:
        await end_sessions(session, principal.user, now=now, reason="logout_everywhere")
    if user is None or (not revoked and not everywhere):
        return  # nothing was signed in: nothing to record
    await record(
        session,
        action=Action.LOGOUT,
        at=now,
        actor=user,
        target_type="session",
        target_id=next(iter(families)) if len(families) == 1 else None,
        ip=client.ip,
        details={"everywhere": bool(everywhere and principal is not None)},
    )


async def change_password(
    session: AsyncSession,
    limiter: RateLimiter,
    settings: Settings,
    *,
    principal: Principal,
    current_password: str,
    new_password: str,
) -> None:
    """A new password for the signed-in user; every session of theirs ends (this one
    too), so a thief holding one of them is out."""
    user, now = principal.user, principal.now
    window = settings.login_failure_window_minutes * 60
    failures = await limiter.count_events(
        _failures_key(user.email, principal.ip), window, now=now.timestamp()
    )
    if failures.count >= settings.login_max_failures:
        raise AuthRejected(
            429,
            "too_many_failed_logins",
            "Too many wrong passwords; try again later.",
            {"Retry-After": _retry_after(failures, window, now)},
        )
    matches, _ = await verify_password_async(current_password, user.password_hash)
    if not matches:
        await _count_failure(limiter, settings, user.email, principal.ip, now)
        await record(
            session,
            action=Action.LOGIN_FAILED,
            at=now,
            actor=user,
            ip=principal.ip,
            details={"reason": "wrong_current_password"},
        )
        raise AuthRejected(422, "wrong_password", "The current password is incorrect.")
    await require_strong_password(new_password, email=user.email, field="new_password")
    user.password_hash = await hash_password_async(new_password)
    user.updated_at = now
    await end_sessions(session, user, now=now, reason="password_changed")
    await record(
        session,
        action=Action.PASSWORD_CHANGE,
        at=now,
        actor=user,
        target_type="admin_user",
        target_id=user.id,
        ip=principal.ip,
    )
