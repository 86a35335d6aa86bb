"""``/auth``: sign in, refresh, sign out, who am I, change my password."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Cookie, Depends, FastAPI, Query, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials

from app.admin.auth import service
from app.admin.auth.schemas import LoginRequest, MeOut, PasswordChange, SessionInfo, TokenOut
from app.admin.deps import ROLE_PERMISSIONS, CurrentAdmin, Principal, authenticate, bearer
from app.admin.users.schemas import AdminUserOut
from app.core.clientip import client_ip
from app.core.config import Settings
from app.core.db import SessionDep
from app.core.errors import (
    Forbidden,
    RateLimited,
    Unauthorized,
    ValidationFailed,
    error_response,
    responses,
)
from app.core.ratelimit import LoginRateLimit, PublicRateLimit, get_rate_limiter
from app.core.security import ClockDep, SleepDep, secret_key


@asynccontextmanager
async def _signing_key_at_start_up(app: FastAPI) -> AsyncIterator[None]:
    # Resolved (in development, made) when the app starts rather than at the first
    # sign-in: a data directory that cannot hold the key, or a weak key in it, stops
    # start-up with its message instead of failing a request.
    secret_key(app.state.settings)
    yield


router = APIRouter(prefix="/auth", tags=["auth"], lifespan=_signing_key_at_start_up)

REFRESH_COOKIE = "aurum_refresh"

RefreshCookie = Annotated[
    str | None,
    Cookie(
        alias=REFRESH_COOKIE,
        description="The HttpOnly refresh cookie set by sign-in; browsers send it themselves.",
    ),
]


def _client(request: Request) -> service.Client:
    return service.Client(ip=client_ip(request), user_agent=request.headers.get("user-agent"))


def _cookie_path(request: Request) -> str:
    # The auth routes' own prefix (e.g. /api/v1/auth): the browser sends the cookie
    # nowhere else.
    return request.app.url_path_for("login").rsplit("/", 1)[0]


def _secure(settings: Settings) -> bool:
    if settings.refresh_cookie_secure is not None:
        return settings.refresh_cookie_secure
    return not settings.is_development


def _token_response(request: Request, issued: service.IssuedSession, now: datetime) -> JSONResponse:
    settings: Settings = request.app.state.settings
    body = TokenOut(
        access_token=issued.access_token,
        expires_in=max(0, int((issued.access_expires_at - now).total_seconds())),
        expires_at=issued.access_expires_at,
        session_expires_at=issued.session_expires_at,
        idle_timeout_seconds=settings.session_idle_minutes * 60,
        user=AdminUserOut.model_validate(issued.user),
    )
    response = JSONResponse(body.model_dump(mode="json"))
    response.set_cookie(
        REFRESH_COOKIE,
        issued.refresh_token,
        max_age=max(1, int((issued.session_expires_at - now).total_seconds())),
        path=_cookie_path(request),
        httponly=True,
        samesite="strict",
        secure=_secure(settings),
    )
    return response


def _clear_cookie(request: Request, response: Response) -> None:
    settings: Settings = request.app.state.settings
    response.delete_cookie(
        REFRESH_COOKIE,
        path=_cookie_path(request),
        httponly=True,
        samesite="strict",
        secure=_secure(settings),
    )


def _rejected(request: Request, exc: service.AuthRejected, *, clear: bool = False) -> JSONResponse:
    response = error_response(exc.status_code, exc.code, exc.message, headers=exc.headers)
    if clear:
        _clear_cookie(request, response)
    return response


@router.post(
    "/login",
    response_model=TokenOut,
    dependencies=[LoginRateLimit],
    responses=responses(Unauthorized, ValidationFailed, RateLimited),
)
async def login(
    body: LoginRequest, request: Request, session: SessionDep, clock: ClockDep, sleep: SleepDep
) -> JSONResponse:
    """Sign in with email and password.

    Returns an access token (valid `ACCESS_TOKEN_MINUTES`, default 15) and sets the
    refresh token as an HttpOnly, SameSite=Strict cookie on `/api/v1/auth`. Wrong email
    and wrong password answer the same 401 `invalid_credentials`. After
    `LOGIN_MAX_FAILURES` (5) failures for one email from one client address within
    `LOGIN_FAILURE_WINDOW_MINUTES` (15) that address gets 429 `too_many_failed_logins` with
    `Retry-After`, whether or not the email has an account; other addresses are not
    affected. After `LOGIN_SLOWDOWN_AFTER_FAILURES` (20) failures for one email from
    anywhere, each attempt on it is answered a little later (up to
    `LOGIN_SLOWDOWN_MAX_SECONDS`, 3 s); the right password still signs in. Audited
    (`auth.login`, `auth.login_failed`, `auth.login_locked`)."""
    now = clock()
    try:
        issued = await service.login(
            session,
            get_rate_limiter(request),
            request.app.state.settings,
            email=body.email,
            password=body.password,
            client=_client(request),
            now=now,
            sleep=sleep,
        )
    except service.AuthRejected as exc:
        return _rejected(request, exc)
    return _token_response(request, issued, now)


def require_dashboard_origin(request: Request) -> None:
    """The refresh cookie is sent by the browser on its own, so whoever makes the browser
    call refresh or logout would act as the user: only the admin dashboard's origins
    (``CORS_ADMIN_ORIGINS``) may. Browsers always send ``Origin`` on such a POST."""
    origin = request.headers.get("origin")
    if origin not in request.app.state.settings.cors_admin_origins:
        raise Forbidden(
            "Only the admin dashboard may use the session cookie.",
            code="origin_not_allowed",
            details={"origin": origin},
        )


DashboardOrigin = Depends(require_dashboard_origin)


@router.post(
    "/refresh",
    response_model=TokenOut,
    dependencies=[PublicRateLimit, DashboardOrigin],
    responses=responses(Unauthorized, Forbidden, ValidationFailed, RateLimited),
)
async def refresh(
    request: Request, session: SessionDep, clock: ClockDep, refresh_token: RefreshCookie = None
) -> JSONResponse:
    """Trade the refresh cookie for a new access token and a new refresh cookie (the
    old one stops working). Presenting an already-used refresh token ends the whole
    session (401 `refresh_token_reused`): browsers with several tabs should let one
    refresh at a time (e.g. the Web Locks API). 401 `session_expired` after
    `SESSION_IDLE_MINUTES` (30) without activity or `SESSION_MAX_HOURS` (12) after
    sign-in; 401 `session_ended` after sign-out, a role change or a disabled account.
    Refresh when a request answers 401 `token_expired` or shortly before `expires_at`
    while the user is active."""
    if not refresh_token:
        raise Unauthorized("Sign in again.", code="invalid_refresh_token")
    now = clock()
    try:
        issued = await service.refresh(
            session,
            request.app.state.settings,
            token=refresh_token,
            client=_client(request),
            now=now,
        )
    except service.AuthRejected as exc:
        return _rejected(request, exc, clear=True)
    return _token_response(request, issued, now)


async def _optional_principal(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal | None:
    if credentials is None:
        return None
    try:
        return await authenticate(request, session, clock, credentials)
    except (Unauthorized, RateLimited):  # signing out answers 204 whatever the token
        return None


@router.post(
    "/logout",
    status_code=204,
    response_class=Response,
    dependencies=[PublicRateLimit, DashboardOrigin],
    responses=responses(Forbidden, ValidationFailed, RateLimited),
)
async def logout(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    principal: Annotated[Principal | None, Depends(_optional_principal)],
    refresh_token: RefreshCookie = None,
    everywhere: Annotated[
        bool, Query(description="Also end every other session of this user.")
    ] = False,
) -> Response:
    """Sign out: the session of the refresh cookie (and of the bearer token, if one is
    sent) ends at once, access token included, and the cookie is cleared. With
    `everywhere=true` and a valid bearer token, every session of the user ends. Always
    204, signed in or not. Audited as `auth.logout`."""
    await service.logout(
        session,
        refresh_token=refresh_token,
        principal=principal,
        everywhere=everywhere,
        client=_client(request),
        now=clock(),
    )
    response = Response(status_code=204)
    _clear_cookie(request, response)
    return response


@router.get("/me", response_model=MeOut, responses=responses(Unauthorized, RateLimited))
async def me(principal: CurrentAdmin, request: Request) -> MeOut:
    """The signed-in user, what their role allows, and their session."""
    settings: Settings = request.app.state.settings
    return MeOut(
        user=AdminUserOut.model_validate(principal.user),
        permissions=ROLE_PERMISSIONS[principal.role],
        session=SessionInfo(
            id=principal.claims.session_id,
            access_expires_at=principal.claims.expires_at,
            idle_timeout_seconds=settings.session_idle_minutes * 60,
        ),
    )


@router.post(
    "/password",
    status_code=204,
    response_class=Response,
    responses=responses(Unauthorized, ValidationFailed, RateLimited),
)
async def change_password(
    body: PasswordChange, principal: CurrentAdmin, request: Request, session: SessionDep
) -> Response:
    """Change your own password. Every session of yours ends, this one included: sign in
    again with the new password. 422 `wrong_password` when the current password is
    wrong (these count as failed sign-ins). Audited as `auth.password_changed`."""
    try:
        await service.change_password(
            session,
            get_rate_limiter(request),
            request.app.state.settings,
            principal=principal,
            current_password=body.current_password,
            new_password=body.new_password,
        )
    except service.AuthRejected as exc:
        return _rejected(request, exc)
    response = Response(status_code=204)
    _clear_cookie(request, response)
    return response
