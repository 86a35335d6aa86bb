"""Signing in and staying signed in: login, lockout, refresh rotation and reuse
detection, idle and absolute timeouts, sign-out, sessions ending on role changes."""

from __future__ import annotations

import uuid
from http.cookies import SimpleCookie

import httpx
import jwt
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from pwdlib.hashers.bcrypt import BcryptHasher
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.auth import service as auth_service
from app.admin.auth.router import REFRESH_COOKIE
from app.admin.models import AdminUser, AuditLog, RefreshToken
from app.core import security
from tests.support.staff import PASSWORD, FakeClock, admin_client

LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/auth/me"


async def login(http: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    return await http.post(LOGIN, json={"email": email, "password": password})


def bearer(response: httpx.Response) -> dict[str, str]:
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def actions(session: AsyncSession, **where: object) -> list[str]:
    statement = sa.select(AuditLog.action).order_by(AuditLog.at, AuditLog.id)
    for column, value in where.items():
        statement = statement.where(getattr(AuditLog, column) == value)
    return list((await session.execute(statement)).scalars())


async def test_login_returns_an_access_token_and_a_strict_refresh_cookie(
    client: httpx.AsyncClient, make_user, app: FastAPI, db_session: AsyncSession
) -> None:
    user = await make_user("manager", email="Pat.Manager@Example.com".lower())
    response = await login(client, "  PAT.manager@example.com ")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["user"]["email"] == "pat.manager@example.com"
    assert body["user"]["role"] == "manager"
    assert body["idle_timeout_seconds"] == 30 * 60
    assert 14 * 60 <= body["expires_in"] <= 15 * 60
    assert "password" not in response.text and "hash" not in response.text

    settings = app.state.settings
    claims = jwt.decode(
        body["access_token"],
        options={"verify_signature": False},
    )
    assert claims["aud"] == settings.jwt_audience
    assert claims["iss"] == settings.jwt_issuer
    assert claims["sub"] == str(user.id)
    assert claims["typ"] == "access"
    assert claims["role"] == "manager"
    assert {"exp", "iat", "jti", "sid", "sv"} <= set(claims)
    assert jwt.get_unverified_header(body["access_token"])["alg"] == "HS256"

    raw_cookie = response.headers["set-cookie"]
    cookie = SimpleCookie()
    cookie.load(raw_cookie)
    morsel = cookie[REFRESH_COOKIE]
    assert morsel["httponly"]
    assert morsel["samesite"].lower() == "strict"
    assert morsel["path"] == "/api/v1/auth"
    assert morsel["secure"]  # the test environment is not development
    assert REFRESH_COOKIE not in body and morsel.value not in response.text

    me = await client.get(ME, headers=bearer(response))
    assert me.status_code == 200
    assert me.json()["user"]["id"] == str(user.id)
    assert "pii:read" in me.json()["permissions"]
    assert "users:manage" not in me.json()["permissions"]
    await db_session.refresh(user)
    assert user.last_login_at is not None
    assert await actions(db_session, actor_id=user.id) == ["auth.login"]


async def test_wrong_password_and_unknown_email_answer_alike(
    client: httpx.AsyncClient, make_user, db_session: AsyncSession, monkeypatch
) -> None:
    user = await make_user("admin")
    dummy_checks: list[int] = []
    original = security.verify_dummy_password
    monkeypatch.setattr(
        security, "verify_dummy_password", lambda: dummy_checks.append(1) or original()
    )

    wrong = await login(client, user.email, "not the password")
    unknown = await login(client, f"nobody-{uuid.uuid4().hex}@example.com", "not the password")
    disabled_user = await make_user("admin", active=False)
    disabled = await login(client, disabled_user.email)  # right password, disabled account

    for response in (wrong, unknown, disabled):
        assert response.status_code == 401
        assert response.json() == {
            "error": {
                "code": "invalid_credentials",
                "message": "The email or password is incorrect.",
                "details": None,
            }
        }
        assert "set-cookie" not in response.headers
    assert dummy_checks, "unknown emails must cost a password check too"
    assert await actions(db_session, actor_email=user.email) == ["auth.login_failed"]


@pytest.mark.parametrize("exists", [True, False], ids=["known email", "unknown email"])
async def test_five_failures_from_one_address_stop_that_address_for_fifteen_minutes(
    app: FastAPI,
    client: httpx.AsyncClient,
    make_user,
    db_session: AsyncSession,
    clock: FakeClock,
    exists: bool,
) -> None:
    email = (await make_user("analyst")).email if exists else f"x-{uuid.uuid4().hex}@example.com"
    for _ in range(5):
        assert (await login(client, email, "wrong password")).status_code == 401
        clock.advance(minutes=2)

    locked = await login(client, email)  # even the right password, from this address
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "too_many_failed_logins"
    assert "exist" not in locked.text
    retry_after = int(locked.headers["retry-after"])
    assert 0 < retry_after <= 15 * 60
    assert "set-cookie" not in locked.headers
    assert (await actions(db_session, actor_email=email))[-1] == "auth.login_locked"

    # Another account from this address is not affected.
    other = await make_user("analyst")
    assert (await login(client, other.email)).status_code == 200

    # The oldest failure leaves the 15-minute window: one more try is possible.
    clock.advance(seconds=retry_after)
    response = await login(client, email)
    assert response.status_code == (200 if exists else 401)


async def test_failures_from_one_address_never_block_a_correct_login_from_another(
    app: FastAPI, make_user, clock: FakeClock
) -> None:
    """Anyone could lock any admin out with 5 wrong passwords from anywhere; now the
    stranger's address is stopped, and the admin at theirs signs in."""
    admin = await make_user("admin")
    async with admin_client(app) as stranger, admin_client(app) as owner:
        for _ in range(12):
            assert (await login(stranger, admin.email, "guessing")).status_code in (401, 429)
        assert (await login(stranger, admin.email)).status_code == 429
        assert (await login(owner, admin.email)).status_code == 200
        assert (await login(owner, admin.email, "one typo")).status_code == 401
        assert (await login(owner, admin.email)).status_code == 200


@pytest.mark.parametrize(
    ("failures", "delay"),
    [(0, 0.0), (19, 0.0), (20, 0.25), (21, 0.5), (22, 1.0), (23, 2.0), (24, 3.0), (40, 3.0)],
)
def test_the_account_wide_delay_grows_with_failures_and_is_bounded(
    failures: int, delay: float
) -> None:
    assert auth_service.login_delay_seconds(failures, after=20, max_seconds=3.0) == delay
    assert auth_service.login_delay_seconds(10**9, after=20, max_seconds=3.0) == 3.0


async def test_many_failures_across_addresses_slow_the_account_but_never_lock_it(
    app: FastAPI, make_user, clock: FakeClock, monkeypatch, db_session: AsyncSession
) -> None:
    monkeypatch.setattr(app.state.settings, "login_slowdown_after_failures", 3)
    monkeypatch.setattr(app.state.settings, "login_slowdown_max_seconds", 2.0)
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(app.state, "sleep", fake_sleep, raising=False)
    admin = await make_user("admin")
    admin_id = admin.id
    statuses = []
    for _ in range(8):  # a botnet: one guess per address, never 5 from one
        async with admin_client(app) as bot:
            statuses.append((await login(bot, admin.email, "guessing")).status_code)
        clock.advance(seconds=5)
    assert statuses == [401] * 8
    assert slept == [0.25, 0.5, 1.0, 2.0, 2.0]  # from the 4th attempt, bounded

    slept.clear()
    async with admin_client(app) as owner:
        signed_in = await login(owner, admin.email)  # slowed, but the right password works
    assert signed_in.status_code == 200
    assert slept == [2.0]
    failed = (
        (
            await db_session.execute(
                sa.select(AuditLog)
                .where(AuditLog.actor_id == admin_id, AuditLog.action == "auth.login_failed")
                .order_by(AuditLog.at)
            )
        )
        .scalars()
        .all()
    )
    assert [entry.details.get("delayed_seconds", 0) for entry in failed] == [
        0,
        0,
        0,
        0.25,
        0.5,
        1.0,
        2.0,
        2.0,
    ]

    # The failures age out of the window: no delay any more.
    clock.advance(minutes=16)
    slept.clear()
    async with admin_client(app) as owner:
        assert (await login(owner, admin.email)).status_code == 200
    assert slept == []


async def test_a_successful_login_clears_earlier_failures(
    client: httpx.AsyncClient, make_user, clock: FakeClock
) -> None:
    user = await make_user("analyst")
    for _ in range(4):
        await login(client, user.email, "wrong password")
    assert (await login(client, user.email)).status_code == 200
    for _ in range(4):
        assert (await login(client, user.email, "wrong password")).status_code == 401
    assert (await login(client, user.email)).status_code == 200


async def test_bcrypt_hashes_verify_and_are_upgraded_to_argon2(
    client: httpx.AsyncClient, make_user, db_session: AsyncSession
) -> None:
    legacy = BcryptHasher().hash(PASSWORD)
    user = await make_user("admin", password_hash=legacy)
    assert (await login(client, user.email)).status_code == 200
    await db_session.refresh(user)
    assert user.password_hash.startswith("$argon2id$")
    assert (await login(client, user.email)).status_code == 200


def test_long_passwords_are_never_truncated() -> None:
    # bcrypt would cut at 72 bytes; these differ only after that.
    first, second = "a" * 100 + "1", "a" * 100 + "2"
    stored = security.hash_password(first)
    assert security.verify_password(first, stored)[0]
    assert not security.verify_password(second, stored)[0]
    with pytest.raises(security.PasswordPolicyError):
        security.check_password_policy("short7!")
    with pytest.raises(security.PasswordPolicyError):
        security.check_password_policy("x" * 129)
    spaced = "  correct horse battery  "
    assert security.check_password_policy(spaced) == spaced  # taken as given


async def test_refresh_rotates_and_a_reused_token_ends_the_whole_session(
    app: FastAPI,
    client: httpx.AsyncClient,
    make_user,
    db_session: AsyncSession,
    clock: FakeClock,
) -> None:
    user = await make_user("manager")
    user_id = user.id  # failed requests roll back (and expire) the shared session
    signed_in = await login(client, user.email)
    first_refresh = client.cookies[REFRESH_COOKIE]

    clock.advance(minutes=10)
    rotated = await client.post(REFRESH)
    assert rotated.status_code == 200, rotated.text
    second_refresh = client.cookies[REFRESH_COOKIE]
    assert second_refresh != first_refresh
    assert rotated.json()["access_token"] != signed_in.json()["access_token"]
    assert (await client.get(ME, headers=bearer(rotated))).status_code == 200

    # An attacker replays the first (already rotated) token.
    async with admin_client(app) as thief:
        replay = await thief.post(REFRESH, headers={"Cookie": f"{REFRESH_COOKIE}={first_refresh}"})
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "refresh_token_reused"

    # The whole family is revoked: the legitimate user's newest token and access too.
    assert (await client.post(REFRESH)).status_code == 401
    assert (await client.get(ME, headers=bearer(rotated))).status_code == 401
    rows = (
        await db_session.execute(sa.select(RefreshToken).where(RefreshToken.user_id == user_id))
    ).scalars()
    assert all(row.revoked_at is not None for row in rows)
    assert "auth.refresh_reuse_detected" in await actions(db_session, actor_id=user_id)


async def test_refresh_without_a_cookie_or_with_garbage_is_401(client: httpx.AsyncClient) -> None:
    assert (await client.post(REFRESH)).status_code == 401
    response = await client.post(REFRESH, headers={"Cookie": f"{REFRESH_COOKIE}=rt_garbage"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_refresh_token"


async def test_the_idle_timeout_ends_a_quiet_session(
    client: httpx.AsyncClient, make_user, clock: FakeClock
) -> None:
    user = await make_user("analyst")
    await login(client, user.email)
    clock.advance(minutes=29)
    assert (await client.post(REFRESH)).status_code == 200  # activity resets the idle clock
    clock.advance(minutes=29)
    assert (await client.post(REFRESH)).status_code == 200
    clock.advance(minutes=31)
    response = await client.post(REFRESH)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "session_expired"
    assert REFRESH_COOKIE not in client.cookies  # cleared


async def test_requests_count_as_activity_for_the_idle_timeout(
    client: httpx.AsyncClient, make_user, clock: FakeClock
) -> None:
    user = await make_user("analyst")
    await login(client, user.email)
    for _ in range(5):  # 50 minutes of steady work, refreshing every 10
        clock.advance(minutes=5)
        refreshed = await client.post(REFRESH)
        assert refreshed.status_code == 200
        clock.advance(minutes=5)
        assert (await client.get(ME, headers=bearer(refreshed))).status_code == 200
    # 28 minutes since the last request (33 since the last refresh): still within 30.
    clock.advance(minutes=28)
    assert (await client.post(REFRESH)).status_code == 200


async def test_an_idle_session_refuses_access_tokens_too(
    app: FastAPI, client: httpx.AsyncClient, make_user, clock: FakeClock, monkeypatch
) -> None:
    monkeypatch.setattr(app.state.settings, "access_token_minutes", 120)
    user = await make_user("analyst")
    signed_in = await login(client, user.email)
    clock.advance(minutes=31)
    response = await client.get(ME, headers=bearer(signed_in))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "session_expired"


async def test_sessions_end_after_twelve_hours_however_active(
    client: httpx.AsyncClient, make_user, clock: FakeClock
) -> None:
    user = await make_user("admin")
    signed_in = await login(client, user.email)
    session_end = signed_in.json()["session_expires_at"]
    for _ in range(12 * 4 - 1):
        clock.advance(minutes=15)
        assert (await client.post(REFRESH)).status_code == 200
    assert (await client.post(REFRESH)).json()["session_expires_at"] == session_end
    clock.advance(minutes=15)
    response = await client.post(REFRESH)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "session_expired"


async def test_access_tokens_expire_after_fifteen_minutes(
    client: httpx.AsyncClient, make_user, clock: FakeClock
) -> None:
    user = await make_user("analyst")
    signed_in = await login(client, user.email)
    clock.advance(minutes=14, seconds=59)
    assert (await client.get(ME, headers=bearer(signed_in))).status_code == 200
    clock.advance(seconds=1)
    expired = await client.get(ME, headers=bearer(signed_in))
    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "token_expired"
    assert expired.headers["www-authenticate"] == "Bearer"
    assert (await client.post(REFRESH)).status_code == 200


async def test_logout_ends_the_session_at_once(
    client: httpx.AsyncClient, make_user, db_session: AsyncSession
) -> None:
    user = await make_user("manager")
    user_id = user.id
    signed_in = await login(client, user.email)
    response = await client.post(LOGOUT)
    assert response.status_code == 204
    assert REFRESH_COOKIE not in client.cookies
    assert (await client.get(ME, headers=bearer(signed_in))).status_code == 401
    assert (await client.post(REFRESH)).status_code == 401
    assert (await actions(db_session, actor_id=user_id))[-1] == "auth.logout"
    # Signing out twice, or never signed in, is still 204.
    assert (await client.post(LOGOUT)).status_code == 204


async def test_logout_everywhere_ends_every_session_of_the_user(
    app: FastAPI, make_user, db_session: AsyncSession
) -> None:
    user = await make_user("manager")
    async with admin_client(app) as laptop, admin_client(app) as phone:
        on_laptop = await login(laptop, user.email)
        on_phone = await login(phone, user.email)
        assert (
            await phone.post(LOGOUT, params={"everywhere": "true"}, headers=bearer(on_phone))
        ).status_code == 204
        assert (await laptop.get(ME, headers=bearer(on_laptop))).status_code == 401
        assert (await laptop.post(REFRESH)).status_code == 401


@pytest.mark.parametrize(
    "change", [{"role": "analyst"}, {"is_active": False}, {"password": "a brand new password"}]
)
async def test_role_changes_disabling_and_password_resets_end_sessions_at_once(
    app: FastAPI, client: httpx.AsyncClient, make_user, tokens, change: dict
) -> None:
    admin = await make_user("admin")
    admin_headers = (await tokens(admin)).headers
    target = await make_user("manager")
    async with admin_client(app) as target_http:
        signed_in = await login(target_http, target.email)
        assert (await target_http.get(ME, headers=bearer(signed_in))).status_code == 200

        patched = await client.patch(
            f"/api/v1/admin/users/{target.id}", json=change, headers=admin_headers
        )
        assert patched.status_code == 200, patched.text

        after = await target_http.get(ME, headers=bearer(signed_in))
        assert after.status_code == 401
        assert after.json()["error"]["code"] == "session_ended"
        assert (await target_http.post(REFRESH)).status_code == 401


async def test_a_token_minted_for_another_role_is_refused(
    client: httpx.AsyncClient, make_user, tokens
) -> None:
    analyst = await make_user("analyst")
    forged = await tokens(analyst, role="admin")  # correctly signed, but the role is stale
    response = await client.get(ME, headers=forged.headers)
    assert response.status_code == 401


async def test_changing_my_password(
    client: httpx.AsyncClient, make_user, db_session: AsyncSession
) -> None:
    user = await make_user("analyst")
    user_id, email = user.id, user.email
    signed_in = await login(client, email)
    wrong = await client.post(
        "/api/v1/auth/password",
        json={"current_password": "nope nope", "new_password": "another fine password"},
        headers=bearer(signed_in),
    )
    assert wrong.status_code == 422
    assert wrong.json()["error"]["code"] == "wrong_password"
    for weak, says in (("elevenchars", "at least 12"), (email, "email"), ("qwerty123456", "guess")):
        refused = await client.post(
            "/api/v1/auth/password",
            json={"current_password": PASSWORD, "new_password": weak},
            headers=bearer(signed_in),
        )
        assert refused.status_code == 422, refused.text
        assert says in refused.json()["error"]["message"]
    changed = await client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "another fine password"},
        headers=bearer(signed_in),
    )
    assert changed.status_code == 204
    assert (await client.get(ME, headers=bearer(signed_in))).status_code == 401
    assert (await login(client, email)).status_code == 401
    assert (await login(client, email, "another fine password")).status_code == 200
    assert "auth.password_changed" in await actions(db_session, actor_id=user_id)


async def test_login_validates_its_body_in_the_common_error_shape(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(LOGIN, json={"email": "a@example.com"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


async def test_old_refresh_tokens_are_pruned_at_login(
    client: httpx.AsyncClient, make_user, db_session: AsyncSession, clock: FakeClock
) -> None:
    user = await make_user("analyst")
    await login(client, user.email)
    clock.advance(hours=40)
    await login(client, user.email)
    count = await db_session.scalar(
        sa.select(sa.func.count()).select_from(RefreshToken).where(RefreshToken.user_id == user.id)
    )
    assert count == 1
    assert await db_session.get(AdminUser, user.id) is not None
