"""Managing dashboard users: create, change role, disable; never lose the last admin."""

from __future__ import annotations

import uuid

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.models import AdminUser, AuditLog

USERS = "/api/v1/admin/users"


async def only_admin(db_session: AsyncSession, make_user) -> AdminUser:
    """Make ``admin`` the only active admin (other tests' admins are rolled back, but the
    fuzz run or a developer's data may have left some: disable them in this
    transaction)."""
    await db_session.execute(
        sa.update(AdminUser).where(AdminUser.role == "admin").values(is_active=False)
    )
    return await make_user("admin")


async def test_an_admin_creates_lists_and_reads_users(
    client: httpx.AsyncClient, make_user, tokens, db_session: AsyncSession
) -> None:
    admin = await make_user("admin")
    headers = (await tokens(admin)).headers
    email = f"New.Analyst-{uuid.uuid4().hex[:6]}@Example.com"
    created = await client.post(
        USERS,
        json={"email": email, "role": "analyst", "password": "a fine password"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["email"] == email.lower()
    assert body["role"] == "analyst" and body["is_active"] is True
    assert body["last_login_at"] is None
    assert "password" not in created.text

    listed = await client.get(USERS, params={"role": "analyst"}, headers=headers)
    assert body["id"] in [u["id"] for u in listed.json()["items"]]
    assert all(u["role"] == "analyst" for u in listed.json()["items"])
    one = await client.get(f"{USERS}/{body['id']}", headers=headers)
    assert one.json() == body

    entry = (
        (await db_session.execute(sa.select(AuditLog).where(AuditLog.action == "user.create")))
        .scalars()
        .all()[-1]
    )
    assert entry.actor_id == admin.id
    assert entry.target_id == body["id"]
    assert entry.details["role"] == "analyst"
    assert "password" not in str(entry.details)

    duplicate = await client.post(
        USERS,
        json={"email": email.upper(), "role": "manager", "password": "a fine password"},
        headers=headers,
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["code"] == "email_taken"


@pytest.mark.parametrize(
    "body",
    [
        {"email": "not-an-email", "role": "analyst", "password": "a fine password"},
        {"email": "a@example.com", "role": "owner", "password": "a fine password"},
        {"email": "a@example.com", "role": "analyst", "password": "7 chars"},
        {"email": "a@example.com", "role": "analyst", "password": "elevenchars"},
        {"email": "a@example.com", "role": "analyst", "password": "x" * 129},
        {"email": "a@example.com", "role": "analyst", "password": "a fine password", "x": 1},
    ],
    ids=[
        "bad email",
        "bad role",
        "short password",
        "11 characters",
        "long password",
        "unknown field",
    ],
)
async def test_create_validates(client: httpx.AsyncClient, as_role, body: dict) -> None:
    response = await client.post(USERS, json=body, headers=await as_role("admin"))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


async def test_the_last_active_admin_cannot_be_demoted_or_disabled(
    client: httpx.AsyncClient, make_user, tokens, db_session: AsyncSession
) -> None:
    admin = await only_admin(db_session, make_user)
    admin_id = admin.id
    headers = (await tokens(admin)).headers
    for change in ({"role": "manager"}, {"is_active": False}):
        response = await client.patch(f"{USERS}/{admin_id}", json=change, headers=headers)
        assert response.status_code == 409, response.text
        assert response.json()["error"]["code"] == "last_active_admin"

    # With a second admin, the second may demote the first (which ends its session).
    second = await make_user("admin")
    second_id = second.id  # a refused request rolls back and expires loaded objects
    second_headers = (await tokens(second)).headers
    demoted = await client.patch(
        f"{USERS}/{admin_id}", json={"role": "manager"}, headers=second_headers
    )
    assert demoted.status_code == 200
    assert demoted.json()["role"] == "manager"
    assert (await client.get(USERS, headers=headers)).status_code == 401
    # Now the second one is the last.
    alone = await client.patch(
        f"{USERS}/{second_id}", json={"is_active": False}, headers=second_headers
    )
    assert alone.status_code == 409


async def test_an_admin_cannot_disable_or_demote_themselves(
    client: httpx.AsyncClient, make_user, tokens, db_session: AsyncSession
) -> None:
    admin = await make_user("admin")
    admin_id = admin.id
    await make_user("admin")  # not the last admin: the self rule alone refuses
    headers = (await tokens(admin)).headers
    for change in ({"role": "manager"}, {"role": "analyst"}, {"is_active": False}):
        response = await client.patch(f"{USERS}/{admin_id}", json=change, headers=headers)
        assert response.status_code == 409, response.text
        assert response.json()["error"]["code"] == "self_change"
    # Still signed in, still an active admin; nothing was audited.
    me = await client.get(f"{USERS}/{admin_id}", headers=headers)
    assert me.status_code == 200
    assert me.json()["role"] == "admin" and me.json()["is_active"] is True
    count = await db_session.scalar(
        sa.select(sa.func.count()).select_from(AuditLog).where(AuditLog.target_id == str(admin_id))
    )
    assert count == 0
    # Changing nothing about oneself, or one's own password, is still fine.
    same = await client.patch(
        f"{USERS}/{admin_id}", json={"role": "admin", "is_active": True}, headers=headers
    )
    assert same.status_code == 200


async def test_disabled_admins_do_not_count_and_can_be_re_enabled(
    client: httpx.AsyncClient, make_user, tokens, db_session: AsyncSession
) -> None:
    admin = await only_admin(db_session, make_user)
    headers = (await tokens(admin)).headers
    dormant = await make_user("admin", active=False)
    dormant_id = dormant.id
    assert (
        await client.patch(f"{USERS}/{admin.id}", json={"role": "analyst"}, headers=headers)
    ).status_code == 409
    enabled = await client.patch(f"{USERS}/{dormant_id}", json={"is_active": True}, headers=headers)
    assert enabled.status_code == 200 and enabled.json()["is_active"] is True


async def test_updates_are_audited_without_secrets(
    client: httpx.AsyncClient, make_user, tokens, db_session: AsyncSession
) -> None:
    admin = await make_user("admin")
    target = await make_user("manager")
    headers = (await tokens(admin)).headers
    response = await client.patch(
        f"{USERS}/{target.id}",
        json={"role": "analyst", "password": "the new secret value"},
        headers=headers,
    )
    assert response.status_code == 200
    entry = (
        await db_session.execute(
            sa.select(AuditLog).where(
                AuditLog.action == "user.update", AuditLog.target_id == str(target.id)
            )
        )
    ).scalar_one()
    assert entry.actor_id == admin.id
    assert entry.ip is not None
    assert entry.details["changes"]["role"] == {"from": "manager", "to": "analyst"}
    assert entry.details["changes"]["password"] == "reset"
    assert "the new secret value" not in str(entry.details)


async def test_a_patch_that_changes_nothing_is_not_logged(
    client: httpx.AsyncClient, make_user, tokens, db_session: AsyncSession
) -> None:
    admin = await make_user("admin")
    target = await make_user("manager")
    response = await client.patch(
        f"{USERS}/{target.id}", json={"role": "manager"}, headers=(await tokens(admin)).headers
    )
    assert response.status_code == 200
    count = await db_session.scalar(
        sa.select(sa.func.count()).select_from(AuditLog).where(AuditLog.target_id == str(target.id))
    )
    assert count == 0


async def test_unknown_users_are_404(client: httpx.AsyncClient, as_role) -> None:
    headers = await as_role("admin")
    assert (await client.get(f"{USERS}/{uuid.uuid4()}", headers=headers)).status_code == 404
    response = await client.patch(
        f"{USERS}/{uuid.uuid4()}", json={"role": "analyst"}, headers=headers
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "user_not_found"


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("pat.ops@example.com", "email"),
        ("PatOps2024!!", "email"),
        ("AurumSolar2024", "Aurum Solar"),
        ("password1234", "too easy to guess"),
    ],
)
async def test_weak_or_account_derived_passwords_are_refused_on_create_and_reset(
    client: httpx.AsyncClient, make_user, as_role, password: str, says: str
) -> None:
    headers = await as_role("admin")
    email = f"pat.ops@{uuid.uuid4().hex[:8]}.example.com"
    password = password.replace("@example.com", email[email.index("@") :])
    created = await client.post(
        USERS, json={"email": email, "role": "analyst", "password": password}, headers=headers
    )
    assert created.status_code == 422, created.text
    error = created.json()["error"]
    assert error["code"] == "weak_password"
    assert says.lower() in error["message"].lower()
    assert error["details"][0]["field"] == "password"

    target = await make_user("analyst", email=email)
    reset = await client.patch(f"{USERS}/{target.id}", json={"password": password}, headers=headers)
    assert reset.status_code == 422, reset.text
    assert reset.json()["error"]["code"] == "weak_password"
    assert says.lower() in reset.json()["error"]["message"].lower()


@pytest.mark.parametrize(
    ("look_alike", "character"),
    [
        ("\u0430", "U+0430 CYRILLIC SMALL LETTER A"),
        ("\u0251", "U+0251 LATIN SMALL LETTER ALPHA"),
    ],
)
async def test_look_alike_staff_emails_are_refused_naming_the_character(
    client: httpx.AsyncClient, as_role, look_alike: str, character: str
) -> None:
    headers = await as_role("admin")
    email = f"{look_alike}dmin-{uuid.uuid4().hex[:6]}@example.com"
    response = await client.post(
        USERS,
        json={"email": email, "role": "admin", "password": "a fine password"},
        headers=headers,
    )
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["details"][0]["field"] == "email"
    assert character in error["message"]


async def test_a_fullwidth_twin_of_an_existing_email_is_the_same_account(
    client: httpx.AsyncClient, make_user, as_role
) -> None:
    headers = await as_role("admin")
    name = f"ops{uuid.uuid4().hex[:6]}"
    await make_user("admin", email=f"{name}@example.com")
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in name) + "@example.com"
    response = await client.post(
        USERS,
        json={"email": fullwidth, "role": "admin", "password": "a fine password"},
        headers=headers,
    )
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "email_taken"
